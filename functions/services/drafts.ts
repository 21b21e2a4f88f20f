import type { Clock } from '../domain/ports';
import type { StaffDirectory } from '../domain/staff/ports';
import type { SocialChannel } from '../domain/social/ports';
import type { Finding } from '../domain/release/finding';
import type { PublishReleaseResult } from '../domain/release/publish-release';
import type { RenderedEmail } from '../domain/release/rendered-email';
import type { Release } from '../domain/release/release';
import { NotFoundError, ValidationError } from '../domain/errors';
import { publishBodyOf, type Draft, type DraftFields } from '../domain/draft/draft';
import type { DraftStore, DraftSummary } from '../domain/draft/ports';
import { saveDraft } from '../domain/draft/save-draft';
import { publishDraft } from '../domain/draft/publish-draft';
import { socialCounts, type ChannelCount, type MeasureText } from '../domain/draft/social-counts';
import { staffEmail } from '../domain/staff/staff-member';
import type { ReleasesService } from './releases';
import type { DeliveryService } from './delivery';

/** What drafts read and write, and the services publishing and test sends go through. */
export interface DraftsPorts {
  drafts: DraftStore;
  /** Preview and publish: the same use cases as POST /admin/releases/preview and the webhook. */
  releases: Pick<ReleasesService, 'preview' | 'publish'>;
  delivery: Pick<DeliveryService, 'sendTestRendering'>;
  /** A test send goes to staff only. */
  staff: Pick<StaffDirectory, 'get'>;
  /** The configured channels: their own format and check make the counts. */
  channels: ReadonlyMap<string, Pick<SocialChannel, 'format' | 'check'>>;
  measure: MeasureText;
  clock: Clock;
}

/** A draft rendered as its email, with the preflight's findings and each channel's post. */
export interface DraftPreview {
  rendered: RenderedEmail;
  findings: Finding[];
  counts: ChannelCount[];
}

/** The id a draft not saved yet is previewed under (its id is made when first saved). */
const UNSAVED_ID = 'draft-preview';

/**
 * Releases composed in the console before they are published: saving, previewing, test sends and
 * publishing, which goes through the releases service's `publish`, the webhook's own use case.
 *
 * @example
 * const draft = await drafts.save({ fields, by: 'writer@example.org' });
 * const { rendered, findings, counts } = await drafts.preview(draft.fields, draft.id);
 * await drafts.publish(draft.id, 'editor@example.org');
 */
export class DraftsService {
  constructor(
    private readonly ports: DraftsPorts,
    private readonly settings: { publicUrl: string },
  ) {}

  /**
   * `expectedUpdatedAt`: the save the form was opened on.
   * @throws ValidationError; NotFoundError when saving over a draft that is gone; DraftChangedError when someone saved it since.
   */
  save(input: { id?: string; fields: DraftFields; by: string; expectedUpdatedAt?: string }): Promise<Draft> {
    return saveDraft(input, this.ports);
  }

  /** @throws NotFoundError */
  async get(id: string): Promise<Draft> {
    const draft = await this.ports.drafts.get(id);
    if (!draft) throw new NotFoundError(`No draft "${id}"`);
    return draft;
  }

  /** Deletes a draft nobody will publish. @throws NotFoundError for one that is gone (published or deleted). */
  async remove(id: string): Promise<void> {
    await this.get(id);
    await this.ports.drafts.remove(id);
  }

  /** The configured social channels, in order: the compose form offers each. */
  channelNames(): string[] {
    return [...this.ports.channels.keys()];
  }

  list(): Promise<DraftSummary[]> {
    return this.ports.drafts.list();
  }

  /** Renders the email and runs the preflight, as publishing would. @throws ValidationError naming each bad field */
  async preview(fields: DraftFields, id = UNSAVED_ID): Promise<DraftPreview> {
    const { release, rendered, findings } = await this.ports.releases.preview(publishBodyOf({ id, fields }, this.settings.publicUrl));
    return { rendered, findings, counts: await socialCounts(release, fields.social, this.ports.channels, this.ports.measure) };
  }

  /**
   * Each configured channel's post, without rendering the email or checking lists and dates: the
   * counts shown while staff type.
   */
  counts(fields: DraftFields, id = UNSAVED_ID): Promise<ChannelCount[]> {
    const body = publishBodyOf({ id, fields }, this.settings.publicUrl);
    const release = { ...body, tags: fields.tags, language: fields.language || 'en' } as unknown as Release;
    return socialCounts(release, fields.social, this.ports.channels, this.ports.measure);
  }

  /**
   * Renders the draft and sends it to a staff member, marked as a test.
   *
   * @throws ValidationError for the draft, or for an address that is not staff.
   */
  async testSend(fields: DraftFields, to: string, id = UNSAVED_ID): Promise<{ sent: string[] }> {
    // Anyone may be on the form; only staff get test sends (a console must not mail strangers).
    const member = to.trim() ? await this.ports.staff.get(staffEmail(to)) : undefined;
    if (!member) throw new ValidationError([{ field: 'testTo', message: 'test sends go to staff addresses only' }]);
    const { rendered } = await this.preview(fields, id);
    return this.ports.delivery.sendTestRendering(id, rendered, [member.email], { lists: fields.lists, language: fields.language });
  }

  /**
   * Publishes the draft as the webhook would, recording who published it; the draft is then gone.
   *
   * @throws NotFoundError; ValidationError, PreflightError (the draft stays).
   */
  publish(id: string, publishedBy: string): Promise<PublishReleaseResult> {
    return publishDraft(id, publishedBy, {
      drafts: this.ports.drafts,
      publicUrl: this.settings.publicUrl,
      publish: (body, by) => this.ports.releases.publish(body, undefined, by),
    });
  }
}
