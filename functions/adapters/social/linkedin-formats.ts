/*
 * LinkedIn's value formats, checked by the adapter when it is built and by the configuration when it
 * reads the settings (so a typo names the variable and fails the deploy, not the first post). Kept
 * apart from the adapter so the configuration can read them without loading it.
 */

/** Who posts: a member (`urn:li:person:…`) or a page (`urn:li:organization:…`). */
export const LINKEDIN_AUTHOR = /^urn:li:(person|organization):[^\s:]+$/;

/** `LinkedIn-Version`: a monthly version, YYYYMM. */
export const LINKEDIN_VERSION = /^\d{4}(0[1-9]|1[0-2])$/;
