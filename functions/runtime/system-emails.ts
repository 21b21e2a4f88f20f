/**
 * The system-emails part (runtime/adapters.ts FunctionParts): the confirmation email, precompiled from
 * MJML at build time. Only functions that send confirmations pass it (html-to-text makes its text).
 */
import { PrecompiledSystemEmailRenderer } from '../adapters/render/confirmation-email';
import type { SystemEmailsFactory } from './adapters';

export const precompiledSystemEmails: SystemEmailsFactory = (brand) => new PrecompiledSystemEmailRenderer({ brand });
