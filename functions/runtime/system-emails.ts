/**
 * The system-emails part (runtime/adapters.ts FunctionParts): the confirmation and welcome emails,
 * precompiled from MJML at build time. Only functions that send them pass it (html-to-text makes
 * their text).
 */
import { PrecompiledSystemEmailRenderer } from '../adapters/render/confirmation-email';
import { PrecompiledWelcomeRenderer } from '../adapters/render/welcome-email';
import type { SystemEmailsFactory } from './adapters';

export const precompiledSystemEmails: SystemEmailsFactory = (brand) => {
  const system = new PrecompiledSystemEmailRenderer({ brand });
  const welcome = new PrecompiledWelcomeRenderer({ brand });
  return {
    renderConfirmation: (input) => system.renderConfirmation(input),
    renderSignInLink: (input) => system.renderSignInLink(input),
    renderWelcome: (input) => welcome.renderWelcome(input),
  };
};
