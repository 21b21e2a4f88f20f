// The segmenter breaks after every full stop followed by a capital, so `Dr. Smith` would end a
// sentence at `Dr.` (ICU's abbreviation lists, `-u-ss-standard`, are not in Node's Intl). A segment
// ending in an initial (`J.`), a dotted abbreviation (`e.g.`, `U.S.`) or a common title or company
// abbreviation is joined to the next: a sentence too long is shortened later, one cut short is not.
// The one finder for a release's first sentence: the email preheader, social summaries and the
// weekly digest all take it from here (through release-summary.ts), so they cannot disagree.
const ABBREVIATION_END =
  /(?:^|[\s("'“‘«])(?:\p{Lu}|\p{L}(?:\.\p{L})+|Mr|Mrs|Ms|Mx|Dr|Prof|St|Jr|Sr|Sra|Srta|Dra|Mme|Mlle|Nr|Gov|Sen|Rep|Gen|Inc|Ltd|Corp|Co|vs|ca|cf|approx|incl)\.\s*$/u;

/**
 * The first sentence of `text`, whitespace collapsed, for a release that has no summary of its own;
 * undefined when the text has none. `text` is plain text: strip markup, and headings that would
 * repeat the title, before calling. Sentences end where the language's rules end them (`。` in
 * Japanese, a line break anywhere).
 *
 * @example
 * firstSentence('Dr. Smith ships Pressroom 2.0 today. It is faster.', 'en'); // 'Dr. Smith ships Pressroom 2.0 today.'
 */
export function firstSentence(text: string, language?: string): string | undefined {
  let sentence = '';
  for (const { segment } of sentencesOf(language).segment(text)) {
    if (!segment.trim()) continue;
    sentence += segment;
    if (!ABBREVIATION_END.test(sentence)) break;
  }
  return sentence.replace(/\s+/gu, ' ').trim() || undefined;
}

function sentencesOf(language: string | undefined): Intl.Segmenter {
  try {
    return new Intl.Segmenter(language, { granularity: 'sentence' });
  } catch {
    // A malformed language tag on a release should not stop its posts; the default rules will do.
    return new Intl.Segmenter(undefined, { granularity: 'sentence' });
  }
}
