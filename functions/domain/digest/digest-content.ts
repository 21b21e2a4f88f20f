/** One release as the weekly digest shows it. */
export interface DigestItem {
  id: string;
  title: string;
  /** The release on the organisation's website. */
  url: string;
  summary: string;
  publishedAt: string;
}

/** What a digest sums up: the releases published in `[from, to)`. */
export interface DigestContent {
  from: string;
  to: string;
  items: DigestItem[];
}
