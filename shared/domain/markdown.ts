import MarkdownIt from 'markdown-it';

/**
 * Case notes in Markdown, rendered with markdown-it with raw HTML off: any <script>, <iframe> or
 * other tag a note contains is shown as text, and markdown-it's link validation drops
 * javascript:, vbscript:, file: and data: (other than images) URLs, so nothing in a note runs.
 * Links to the case's own objects are written [[item:12]] or [[subject:3]].
 */
const md = new MarkdownIt({ html: false, linkify: false, typographer: false, breaks: false });

// External links open outside the app, never in its window, and never hand it a referrer.
const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!;
  const href = token.attrGet('href') ?? '';
  if (!href.startsWith('#')) {
    token.attrSet('target', '_blank');
    token.attrSet('rel', 'noopener noreferrer nofollow');
  }
  return defaultLinkOpen(tokens, idx, options, env, self);
};
// Images would fetch from anywhere (and tell a sender the note was read): shown as their text.
md.renderer.rules.image = (tokens, idx) => md.utils.escapeHtml(`[image: ${tokens[idx]!.content || tokens[idx]!.attrGet('src') || ''}]`);

/** [[item:12]] → a link to item 12 of the case (in-page anchor), outside code. */
function caseLinks(markdown: string): string {
  return markdown.replace(/\[\[(item|subject):(\d{1,9})\]\]/g, (_m, kind: string, id: string) => `[${kind} ${id}](#${kind}-${id})`);
}

export function renderMarkdown(markdown: string): string {
  return md.render(caseLinks(markdown));
}
