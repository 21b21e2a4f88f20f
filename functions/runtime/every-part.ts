/**
 * Every part of runtime/deps.ts FunctionParts, for the local runner, which runs every handler in one
 * process. (On AWS each function's entry file passes only the parts it uses.)
 */
import type { FunctionParts } from './deps';
import { mjmlRenderer } from './mjml-rendering';
import { precompiledSystemEmails } from './system-emails';
import { socialChannels } from './channels';

export const EVERY_PART: FunctionParts = { renderer: mjmlRenderer, systemEmails: precompiledSystemEmails, channels: socialChannels };
