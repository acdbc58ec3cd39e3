/** One image as answered. */
export interface StoredImage {
  /** Shared with the answer (and the synthesizer's cache): never written to. */
  bytes: Uint8Array;
  mediaType: string;
}

export interface ImageStoreLimits {
  /** Most images kept. @default 200 */
  maxImages?: number;
  /** Most bytes kept, all images together. @default 64 MiB */
  maxBytes?: number;
}

/**
 * The most recently answered images, by journal id and index, for the gallery: the journal keeps
 * no image bytes. Bounded by count and by bytes, whichever is reached first, the oldest evicted.
 */
export class ImageStore {
  // A Map iterates in insertion order: its first key is always the oldest image.
  readonly #images = new Map<string, StoredImage>();
  readonly #maxImages: number;
  readonly #maxBytes: number;
  #bytes = 0;

  constructor(limits: ImageStoreLimits = {}) {
    this.#maxImages = limits.maxImages ?? 200;
    this.#maxBytes = limits.maxBytes ?? 64 * 1024 * 1024;
  }

  put(id: number, index: number, image: StoredImage): void {
    // One image larger than the whole budget would evict everything and still not fit.
    if (image.bytes.byteLength > this.#maxBytes || this.#maxImages <= 0) return;
    const key = `${id}/${index}`;
    this.#remove(key);
    this.#images.set(key, image);
    this.#bytes += image.bytes.byteLength;
    for (const oldest of this.#images.keys()) {
      if (this.#images.size <= this.#maxImages && this.#bytes <= this.#maxBytes) break;
      this.#remove(oldest);
    }
  }

  get(id: number, index: number): StoredImage | undefined {
    return this.#images.get(`${id}/${index}`);
  }

  /** Keeps only the images of entries `keep` accepts (the journal was emptied or reset). */
  retain(keep: (id: number) => boolean): void {
    for (const key of [...this.#images.keys()]) if (!keep(Number.parseInt(key, 10))) this.#remove(key);
  }

  get size(): number {
    return this.#images.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  #remove(key: string): void {
    const image = this.#images.get(key);
    if (!image) return;
    this.#images.delete(key);
    this.#bytes -= image.bytes.byteLength;
  }
}
