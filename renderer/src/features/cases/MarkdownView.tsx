import { useMemo, type MouseEvent } from 'react';
import { renderMarkdown } from '../../../../shared/domain/markdown';

/**
 * A note as HTML. renderMarkdown escapes any raw HTML a note holds (a <script> or <iframe> shows
 * as text) and drops javascript:/data: links, so its output is safe to inject. Links to the
 * case's own objects (#item-12, #subject-3) move within the case instead of changing the address.
 */
export function MarkdownView({
  markdown,
  onItem,
  onSubject,
  className = 'markdown',
}: {
  markdown: string;
  onItem?: (itemId: number) => void;
  onSubject?: (subjectId: number) => void;
  className?: string;
}) {
  const html = useMemo(() => renderMarkdown(markdown), [markdown]);
  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    const link = (e.target as HTMLElement).closest('a');
    const href = link?.getAttribute('href') ?? '';
    const target = /^#(item|subject)-(\d{1,9})$/.exec(href);
    if (!target) return;
    e.preventDefault();
    if (target[1] === 'item') onItem?.(Number(target[2]));
    else onSubject?.(Number(target[2]));
  };
  // The click handler only routes in-case links; keyboard users activate the same links with Enter (a click event).
  return <div className={className} onClick={onClick} dangerouslySetInnerHTML={{ __html: html }} />;
}
