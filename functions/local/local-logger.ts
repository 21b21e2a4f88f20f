/** What the local stand-ins log through; Powertools' `Logger` fits, and so does a console wrapper. */
export interface LocalLogger {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

/** Logs to the console with a `[prefix]` so the local runner's output shows which stand-in spoke. */
export function consoleLogger(prefix: string): LocalLogger {
  const line = (message: string, attributes?: Record<string, unknown>) =>
    attributes ? `[${prefix}] ${message} ${JSON.stringify(attributes)}` : `[${prefix}] ${message}`;
  return {
    info: (message, attributes) => console.info(line(message, attributes)),
    warn: (message, attributes) => console.warn(line(message, attributes)),
    error: (message, attributes) => console.error(line(message, attributes)),
  };
}
