import { App } from 'aws-cdk-lib';
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
