import { ApiMapping, DomainName, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { RouteDefinition } from '../functions/runtime/routes';
import { pascalCase } from './functions';

/**
 * The HTTP API. It is created empty so that its endpoint can go into the functions' environment
 * (the API resource does not depend on them); `addRoutes` then adds one route per table entry.
 */
export class Api extends Construct {
  readonly httpApi: HttpApi;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', { description: 'Pressroom: publish webhook, admin, unsubscribe' });
  }

  /** `https://<id>.execute-api.<region>.amazonaws.com`, without a trailing slash. */
  get endpoint(): string {
    return this.httpApi.apiEndpoint;
  }

  /**
   * Serves the API at `https://<domainName>` too (the API's default stage at the domain's root),
   * so that links in emails are on the organisation's own domain. DNS still has to point the name
   * at the returned domain's `regionalDomainName`.
   */
  addCustomDomain(domainName: string, certificate: ICertificate): DomainName {
    const domain = new DomainName(this, 'DomainName', { domainName, certificate });
    new ApiMapping(this, 'ApiMapping', { api: this.httpApi, domainName: domain });
    return domain;
  }

  /** One route per entry; routes with the same handler share one function and one integration. */
  addRoutes(routes: readonly RouteDefinition[], functionFor: (handlerName: string) => IFunction): void {
    const integrations = new Map<string, HttpLambdaIntegration>();
    for (const route of routes) {
      let integration = integrations.get(route.handler);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${pascalCase(route.handler)}Integration`, functionFor(route.handler));
        integrations.set(route.handler, integration);
      }
      this.httpApi.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration });
    }
  }
}
