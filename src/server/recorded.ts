// Recorded answers looked up by method and URL (vendor-format.md, "Replay"): the full URL first, then
// the URL with the query dropped from both sides (session ids, cache busters). Repeated requests
// consume the matching answers in recorded order; the last one repeats after that. Two Maps, so a
// lookup costs the same for 5 answers as for 5,000.

interface Queue<T> {
  items: T[];
  next: number;
}

/** How a URL is compared: canonical (as `new URL` writes it, without fragment), or null if it is not one. */
export type UrlKey = (url: string) => string | null;

export function httpUrlKey(url: string): string | null {
  try {
    const u = new URL(url);
    u.hash = '';
    return u.href;
  } catch {
    return null;
  }
}

/** A canonical href has no `?` before its query. */
function withoutQuery(key: string): string {
  const at = key.indexOf('?');
  return at === -1 ? key : key.slice(0, at);
}

export class RecordedIndex<T> {
  private readonly byUrl = new Map<string, Queue<T>>();
  private readonly byPath = new Map<string, Queue<T>>();

  /** `answers` in recorded order; those whose URL `key` cannot read are left out. */
  constructor(
    answers: Iterable<{ method: string; url: string; answer: T }>,
    private readonly key: UrlKey = httpUrlKey,
  ) {
    for (const { method, url, answer } of answers) {
      const full = this.keyOf(method, url);
      if (full === null) continue;
      push(this.byUrl, full, answer);
      push(this.byPath, withoutQuery(full), answer);
    }
  }

  /** Whether a request would be answered (nothing is consumed). */
  has(method: string, url: string): boolean {
    return this.queueFor(method, url) !== undefined;
  }

  /** The answer for a request, consuming it (the last one repeats), or undefined if none was recorded. */
  take(method: string, url: string): T | undefined {
    const queue = this.queueFor(method, url);
    if (!queue) return undefined;
    const answer = queue.items[Math.min(queue.next, queue.items.length - 1)];
    queue.next++;
    return answer;
  }

  private keyOf(method: string, url: string): string | null {
    const key = this.key(url);
    return key === null ? null : `${method.toUpperCase()} ${key}`;
  }

  private queueFor(method: string, url: string): Queue<T> | undefined {
    const full = this.keyOf(method, url);
    if (full === null) return undefined;
    return this.byUrl.get(full) ?? this.byPath.get(withoutQuery(full));
  }
}

function push<T>(map: Map<string, Queue<T>>, key: string, answer: T): void {
  const queue = map.get(key);
  if (queue) queue.items.push(answer);
  else map.set(key, { items: [answer], next: 0 });
}
