import { describe, expect, it } from 'vitest';
import { consoleRefusal } from '../../functions/adapters/http/console/console-errors';
import { AuthenticationError, ConflictError, ForbiddenError, InvalidTokenError, NotFoundError, ValidationError } from '../../functions/domain/errors';
import { RateLimitedError } from '../../functions/domain/subscriber/errors';

const brand = { organisationName: 'Example <News>', publicUrl: 'https://news.example.org' };

describe("the console's refusals", () => {
  it('turns each known error into a page with its status, and leaves any other to the 500', async () => {
    const answers = await Promise.all(
      [
        new InvalidTokenError('spent'),
        new AuthenticationError(),
        new ForbiddenError('This needs the admin role'),
        new RateLimitedError(3600),
        new ValidationError([{ field: 'limit', message: 'too big' }]),
        new NotFoundError('Release x not found'),
        new ConflictError('Cannot pause the send of release x: it is sent'),
      ].map((e) => consoleRefusal(e, brand)),
    );
    expect(answers.map((a) => a?.statusCode)).toEqual([400, 401, 403, 429, 400, 404, 409]);
    expect(answers[6]!.body).toContain('Cannot pause the send of release x: it is sent. Reload the page');
    expect(await consoleRefusal(new Error('DynamoDB is down'), brand)).toBeUndefined();
    for (const answer of answers) {
      expect(answer!.headers!['content-security-policy']).toContain("default-src 'none'");
      // The organisation's name is escaped like everything else on the page.
      expect(answer!.body).toContain('Example &lt;News&gt; console');
    }
  });

  it('says a link cannot be used without saying why, and drops a dead session cookie over https', async () => {
    const link = await consoleRefusal(new InvalidTokenError('not staff'), brand);
    expect(link!.body).toContain('This sign-in link cannot be used');
    expect(link!.body).not.toContain('not staff');
    const session = await consoleRefusal(new AuthenticationError(), brand);
    expect(session!.cookies).toEqual(['pressroom_console=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0; Secure']);
    const limited = await consoleRefusal(new RateLimitedError(3600), brand);
    expect(limited!.headers!['retry-after']).toBe('3600');
  });
});
