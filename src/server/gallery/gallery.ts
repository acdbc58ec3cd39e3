import { ImagesApiError } from '../../contract/errors.ts';
import { errorAnswer } from '../../core/error-answer.ts';
import type { RecordedRequest } from '../../core/journal.ts';
import type { ImagesMock } from '../../core/mock.ts';
import { type AnswerHandler, jsonAnswer, type MockAnswer } from '../../http/answer.ts';
import { INSPECTION_PREFIX } from '../inspection.ts';
import { assetAnswer, isAsset } from './assets.ts';
import { ImageStore, type ImageStoreLimits } from './image-store.ts';
import { LiveFeed } from './live-feed.ts';
import { type GalleryRow, toDetail, toRow } from './rows.ts';

export interface GalleryOptions extends ImageStoreLimits {
  /** Gallery pages open at once (each holds one event stream). @default 8 */
  maxPages?: number;
}

/**
 * The gallery at `GET /__mock/`: a page that lists the journal live, with the images answered.
 * The mock reports each image and each answer; `serve` puts its routes in front of the others.
 */
export interface Gallery {
  readonly images: ImageStore;
  /** For the mock's `onImage`. */
  imageAnswered(entry: RecordedRequest, index: number, bytes: Uint8Array, mediaType: string): void;
  /** For the mock's `onAnswered`, and for entries added to the journal by hand (proxy, replay). */
  answered(entry: RecordedRequest): void;
  /** `handler` (the inspection endpoints) with the gallery's routes in front. */
  serve(handler: AnswerHandler): AnswerHandler;
  /** Ends the pages' event streams. */
  close(): void;
}

const IMAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
const DETAIL = /^\/requests\/(\d{1,15})$/;
const IMAGE = /^\/requests\/(\d{1,15})\/images\/(\d{1,4})$/;

export function createGallery(
  mock: Pick<ImagesMock, 'journal' | 'basePath'>,
  options: GalleryOptions = {},
): Gallery {
  const images = new ImageStore(options);
  const rowOf = (entry: RecordedRequest): GalleryRow => toRow(entry, images);
  const feed = new LiveFeed({
    row: rowOf,
    snapshot: () => ({ apiPath: mock.basePath, rows: mock.journal.list().map(rowOf) }),
    maxSubscribers: options.maxPages,
  });
  const entry = (id: number) => mock.journal.list().find((e) => e.id === id);

  /** The answer of one of the gallery's own routes, or undefined when `route` is not one. */
  function own(route: string): (() => MockAnswer) | undefined {
    if (isAsset(route)) return () => assetAnswer(route) as MockAnswer;
    if (route === '/events') return () => feed.subscribe();
    const detail = DETAIL.exec(route);
    if (detail) {
      return () => {
        const found = entry(Number(detail[1]));
        if (!found) return errorAnswer(new ImagesApiError(404, 'No such request in the journal'));
        return jsonAnswer(toDetail(found, images), 200, { 'cache-control': 'no-store' });
      };
    }
    const image = IMAGE.exec(route);
    if (image) {
      return () => {
        const found = images.get(Number(image[1]), Number(image[2]));
        if (!found) return errorAnswer(new ImagesApiError(404, 'Image not kept: never answered, or evicted'));
        return {
          status: 200,
          headers: [
            ['content-type', found.mediaType],
            // Opened on its own, an SVG is a document: it may not run script or reach anything.
            ['content-security-policy', IMAGE_CSP],
            ['x-content-type-options', 'nosniff'],
            ['cache-control', 'no-store'],
          ],
          body: found.bytes,
        };
      };
    }
    return undefined;
  }

  return {
    images,
    imageAnswered(entry, index, bytes, mediaType) {
      images.put(entry.id, index, { bytes, mediaType });
      // A stream's images come after its answer's head (and its row): that row changes. A JSON
      // answer's come before (`ms` is set once the head is ready), and are in its first row.
      if (entry.ms !== undefined) feed.changed(entry);
    },
    answered: (entry) => feed.changed(entry),
    serve(handler) {
      return async (request) => {
        const pathname = request.pathname;
        const method = request.method.toUpperCase();
        if (pathname === INSPECTION_PREFIX && (method === 'GET' || method === 'HEAD'))
          return { status: 308, headers: [['location', `${INSPECTION_PREFIX}/`]], body: null };
        if (!pathname.startsWith(`${INSPECTION_PREFIX}/`)) return handler(request);
        const route = pathname.slice(INSPECTION_PREFIX.length);
        const answer = own(route);
        if (!answer) {
          const answered = await handler(request);
          // The journal was emptied or reset: the pages start over, and its images go with it.
          if (
            method !== 'GET' &&
            method !== 'HEAD' &&
            answered.status < 300 &&
            /^\/(requests|reset)$/.test(route)
          ) {
            const ids = new Set(mock.journal.list().map((e) => e.id));
            images.retain((id) => ids.has(id));
            feed.resync();
          }
          return answered;
        }
        if (method !== 'GET' && method !== 'HEAD') {
          return errorAnswer(
            new ImagesApiError(405, `Method ${method} is not allowed on ${pathname}`, undefined, {
              allow: 'GET, HEAD',
            }),
          );
        }
        return answer();
      };
    },
    close: () => feed.close(),
  };
}
