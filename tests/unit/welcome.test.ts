import { describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { queueWelcome, sendWelcome, WelcomeVia, type SignupQueueJob, type WelcomeJob } from '../../functions/domain/subscriber/welcome';
import { updateList } from '../../functions/domain/lists/manage-lists';
import { importSubscribers } from '../../functions/domain/subscriber/import-subscribers';
import { verifyToken, TokenPurpose } from '../../functions/domain/security/link-tokens';
import { ValidationError } from '../../functions/domain/errors';
import { MemoryQueue } from '../helpers/fakes';
import { signupDeps } from '../helpers/signup-deps';

function given() {
  const deps = signupDeps();
  const welcomes = new MemoryQueue<SignupQueueJob>();
  const send = (job: WelcomeJob) => sendWelcome(job, { ...deps, welcomeEmails: deps.systemEmails });
  const setWelcome = (listId: string, welcome: unknown) => updateList(listId, { welcome }, deps);
  return { deps, welcomes, send, setWelcome };
}

async function confirmedMember(deps: ReturnType<typeof signupDeps>, email: string, lists: string[], language?: string) {
  return (await deps.subscribers.addConfirmed(email, lists, deps.clock.now(), language)).subscriber;
}

const job = (subscriberId: string, lists: string[], via: WelcomeJob['via'] = WelcomeVia.Confirmation): WelcomeJob => ({ kind: 'welcome', subscriberId, lists, via });

describe('a list welcome', () => {
  it('goes once per subscriber and list, however many times its job arrives', async () => {
    const { deps, send, setWelcome } = given();
    await setWelcome('blog', { subject: 'Hello reader', markdown: '# Thanks\n\nYou joined **Blog**.' });
    const ada = await confirmedMember(deps, 'ada@example.org', ['blog']);

    expect(await send(job(ada.id, ['blog']))).toEqual({ blog: 'sent' });
    expect(await send(job(ada.id, ['blog']))).toEqual({ blog: 'already-sent' });
    await Promise.all([send(job(ada.id, ['blog'])), send(job(ada.id, ['blog']))]);

    expect(deps.mailer.sent).toHaveLength(1);
    const mail = await simpleParser(Buffer.from(deps.mailer.sent[0].raw));
    expect(mail.subject).toBe('Hello reader');
    const header = (name: string) => mail.headerLines.find((h) => h.key === name)?.line ?? '';
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    const link = header('list-unsubscribe').replace(/\r?\n\s*/g, '').match(/\/unsubscribe\/([\w.-]+)>/)![1];
    expect(verifyToken(link, TokenPurpose.Unsubscribe, deps.keyring, deps.clock.now())).toMatchObject({ subscriberId: ada.id, listId: 'blog' });
    expect(deps.systemEmails.welcomes[0].bodyHtml).toContain('<strong>Blog</strong>');
  });

  it('sanitises the Markdown: raw HTML in it cannot script the email', async () => {
    const { deps, send, setWelcome } = given();
    await setWelcome('blog', { markdown: 'Hi <script>alert(1)</script><img src=x onerror=alert(1)>' });
    const ada = await confirmedMember(deps, 'ada@example.org', ['blog']);
    await send(job(ada.id, ['blog']));
    expect(deps.systemEmails.welcomes[0].bodyHtml).not.toMatch(/script|onerror/);
  });

  it("is in the reader's language when the list has it, else in the list's default", async () => {
    const { deps, send, setWelcome } = given();
    await setWelcome('blog', { markdown: 'Welcome aboard', translations: { es: { subject: 'Bienvenida', markdown: 'Te damos la bienvenida' } } });
    const ana = await confirmedMember(deps, 'ana@example.org', ['blog'], 'es');
    const ada = await confirmedMember(deps, 'ada@example.org', ['blog'], 'en');
    await send(job(ana.id, ['blog']));
    await send(job(ada.id, ['blog']));
    const [spanish, english] = deps.systemEmails.welcomes;
    expect(spanish).toMatchObject({ subject: 'Bienvenida', language: 'es' });
    expect(spanish.bodyHtml).toContain('Te damos la bienvenida');
    expect(english).toMatchObject({ subject: 'Welcome to Blog', language: undefined });
    expect(english.bodyHtml).toContain('Welcome aboard');

    // A Spanish reader of a list with no Spanish text gets the default text, and chrome to match it.
    await setWelcome('press-releases', { markdown: 'Only English here' });
    await deps.subscribers.setMemberships(ana.id, [{ listId: 'press-releases', status: 'confirmed' }], deps.clock.now());
    await send(job(ana.id, ['press-releases']));
    expect(deps.systemEmails.welcomes[2]).toMatchObject({ subject: 'Welcome to Press Releases', language: undefined });
  });

  it('is not sent for a list without one, nor to someone no longer on the list', async () => {
    const { deps, send, setWelcome, welcomes } = given();
    const ada = await confirmedMember(deps, 'ada@example.org', ['blog', 'press-releases']);
    expect(await queueWelcome(ada.id, ['blog'], WelcomeVia.Confirmation, { lists: deps.lists, welcomes })).toBe(false);
    expect(welcomes.jobs).toEqual([]);
    expect(await send(job(ada.id, ['blog']))).toEqual({ blog: 'no-welcome' });

    await setWelcome('press-releases', { markdown: 'Hi' });
    await deps.subscribers.unsubscribe(ada.id, 'press-releases', deps.clock.now());
    expect(await send(job(ada.id, ['press-releases']))).toEqual({ 'press-releases': 'not-a-member' });
    expect(deps.mailer.sent).toEqual([]);
  });

  it('welcomes an import with consent only where the list says onImport', async () => {
    const { deps, setWelcome, welcomes } = given();
    await setWelcome('blog', { markdown: 'Hi', onImport: false });
    await setWelcome('press-releases', { markdown: 'Hi', onImport: true });
    const welcome = (subscriberId: string, lists: string[]) => queueWelcome(subscriberId, lists, WelcomeVia.Import, { lists: deps.lists, welcomes });
    const [imported] = await importSubscribers({ email: 'ada@example.org', lists: ['blog', 'press-releases'] }, { ...deps, listIds: new Set(['blog', 'press-releases']), welcome });

    expect(welcomes.jobs).toEqual([{ kind: 'welcome', subscriberId: imported.subscriberId, lists: ['press-releases'], via: 'import' }]);
    // A confirmation welcomes on both.
    await queueWelcome(imported.subscriberId!, ['blog', 'press-releases'], WelcomeVia.Confirmation, { lists: deps.lists, welcomes });
    expect(welcomes.jobs[1]).toMatchObject({ lists: ['blog', 'press-releases'] });
  });

  it('gives its claim back when the send fails, so the retry sends it', async () => {
    const { deps, send, setWelcome } = given();
    await setWelcome('blog', { markdown: 'Hi' });
    const ada = await confirmedMember(deps, 'ada@example.org', ['blog']);
    deps.mailer.failures.push(new Error('SES is down'));
    await expect(send(job(ada.id, ['blog']))).rejects.toThrow('SES is down');
    expect(await send(job(ada.id, ['blog']))).toEqual({ blog: 'sent' });
    expect(deps.mailer.sent).toHaveLength(1);
  });

  it('is validated when staff set it, and removed with null', async () => {
    const { deps, setWelcome } = given();
    await expect(setWelcome('blog', { markdown: '' })).rejects.toBeInstanceOf(ValidationError);
    await expect(setWelcome('blog', { markdown: 'Hi', translations: { fr: { markdown: 'Salut' } } })).rejects.toBeInstanceOf(ValidationError);
    expect((await setWelcome('blog', { markdown: 'Hi' })).welcome).toEqual({ markdown: 'Hi', onImport: false });
    expect((await setWelcome('blog', null)).welcome).toBeUndefined();
    expect((await deps.lists.get('blog'))!.welcome).toBeUndefined();
  });
});
