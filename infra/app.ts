import { App, Validations } from 'aws-cdk-lib';
import { nagPacks } from './nag';
import { configFromContext, PressroomStack } from './pressroom-stack';

// Synthesizing needs no credentials: the region falls back to us-east-1 and the account stays
// unresolved until deploy, when the CLI fills both in from the deploying credentials.
const app = new App();
new PressroomStack(app, 'Pressroom', {
  description: 'Pressroom newsletter service',
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: process.env.CDK_DEFAULT_REGION ?? process.env.AWS_REGION ?? 'us-east-1',
  },
  config: configFromContext(app.node),
});
// cdk-nag's rule packs: a finding the stack does not acknowledge (infra/nag.ts) stops the synth.
Validations.of(app).addPlugins(...nagPacks());
