import { ArnFormat, Stack } from 'aws-cdk-lib';
import { ApiMapping, CfnStage, DomainName, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RouteDefinition } from '../functions/runtime/routes';
import type { Throttle, ThrottleGroup } from './config';
import { pascalCase } from './functions';

/**
 * One access log line per request, as JSON. The route key, not the path: a path carries the
 * token of a confirm, preferences or unsubscribe link, which must not end up in logs.
 */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
});

/** Which throttle a route gets: staff's, the publishing side's, the sign-up form's, or the public one. */
export function throttleGroupOf(route: Pick<RouteDefinition, 'method' | 'path'>): ThrottleGroup {
  if (route.path.startsWith('/admin/') || route.path === '/admin') return 'admin';
  if (route.path.startsWith('/webhooks/')) return 'webhook';
  // Each sign-up sends a confirmation email: the one public route that costs a send.
  if (route.method === 'POST' && route.path === '/subscribe') return 'signup';
  return 'public';
}

export interface ApiProps {
  /** Steady rate and burst of each route, by group (context `throttlePublic`, …; see infra/README.md). */
  throttle: Record<ThrottleGroup, Throttle>;
}

/**
 * The HTTP API. It is created empty so that its endpoint can go into the functions' environment
 * (the API resource does not depend on them); `addRoutes` then adds one route per table entry.
 * Its default stage throttles every route and writes an access log.
 */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  /** The access log: a JSON line per request (ACCESS_LOG_FORMAT), kept a month. */
  readonly accessLogs: LogGroup;
  private readonly throttle: Record<ThrottleGroup, Throttle>;
  private readonly stage: CfnStage;
  /**
   * The stage's route settings, by route key: filled by addRoutes, read when the template is
   * written. CloudFormation types this property as plain JSON, so CDK passes it through as is:
   * its keys are written in CloudFormation's casing (`ThrottlingRateLimit`).
   */
  private readonly routeThrottles: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.throttle = props.throttle;
    this.httpApi = new HttpApi(this, 'HttpApi', { description: 'Pressroom: publish webhook, admin, unsubscribe' });
    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_MONTH });
    // The default stage is the one the custom domain maps to (addCustomDomain): configured in
    // place through its CloudFormation resource, since the L2 HttpApi takes no stage options and
    // a stage of our own would replace it. HTTP APIs log through API Gateway's service-linked
    // role: no account-wide CloudWatch role is needed.
    this.stage = this.httpApi.defaultStage!.node.defaultChild as CfnStage;
    // The log group's ARN as API Gateway documents it, `…:log-group:<name>`: its CloudFormation
    // Arn attribute ends in `:*` (all its streams), a form some services refuse as a destination
    // (CDK formats REST API access log destinations the same way).
    const destinationArn = Stack.of(this).formatArn({ service: 'logs', resource: 'log-group', resourceName: this.accessLogs.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.stage.accessLogSettings = { destinationArn, format: ACCESS_LOG_FORMAT };
    // Any route without its own setting (none, once addRoutes has run) gets the public limits.
    const { rate, burst } = this.throttle.public;
    this.stage.defaultRouteSettings = { throttlingRateLimit: rate, throttlingBurstLimit: burst };
    this.stage.routeSettings = this.routeThrottles;
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

  /**
   * One route per entry; routes with the same handler share one function and one integration.
   * Each route gets its group's throttle (`throttleGroupOf`) as a route setting of the stage.
   */
  addRoutes(routes: readonly RouteDefinition[], functionFor: (handlerName: string) => IFunction): void {
    const integrations = new Map<string, HttpLambdaIntegration>();
    for (const route of routes) {
      let integration = integrations.get(route.handler);
      if (!integration) {
        // One invoke permission per function (from any route of this API) rather than one per route:
        // 115 routes made 115 permissions, and the stack passed CloudFormation's 500-resource limit.
        integration = new HttpLambdaIntegration(`${pascalCase(route.handler)}Integration`, functionFor(route.handler), { scopePermissionToRoute: false });
        integrations.set(route.handler, integration);
      }
      const [httpRoute] = this.httpApi.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration });
      const { rate, burst } = this.throttle[throttleGroupOf(route)];
      this.routeThrottles[`${route.method} ${route.path}`] = { ThrottlingRateLimit: rate, ThrottlingBurstLimit: burst };
      // API Gateway rejects a stage whose route settings name a route that does not exist yet.
      this.stage.node.addDependency(httpRoute);
    }
  }
}
