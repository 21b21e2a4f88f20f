import type { Context } from 'aws-lambda';
import { consoleRefusal } from '../adapters/http/console/console-errors';
import type { Services } from './compose';
import { httpHandler, type HttpEvent, type HttpResult, type ServicesProvider } from './http';

/**
 * The handler of a console function: its route's answer, or, for an error the console shows as a
 * page (sign in, not allowed, not found, a conflict, a form to correct), that page instead of the
 * API's JSON error. Every console function (console, console-release, console-compose,
 * console-audience) is built with it.
 *
 * @example
 * export const makeHandler = (getServices: ServicesProvider) => consoleHandler(getServices, route);
 */
export function consoleHandler(getServices: ServicesProvider, route: (event: HttpEvent, app: Services, context: Context) => Promise<HttpResult>) {
  return httpHandler(getServices, async (event, app, context) => {
    try {
      return await route(event, app, context);
    } catch (error) {
      const refusal = await consoleRefusal(error, app.brand);
      if (refusal) return refusal;
      throw error;
    }
  });
}
