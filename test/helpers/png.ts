// A small PNG reader for tests that look at screenshots: 8-bit greyscale, RGB or RGBA, not interlaced
// (what Chromium, Firefox and WebKitWebDriver write). Returns RGBA pixels.
import { inflateSync } from 'node:zlib';

export interface Image {
  width: number;
  height: number;
  /** RGBA, row after row. */
  rgba: Buffer;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

export function decodePng(file: Buffer): Image {
  if (!file.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at < file.length; ) {
    const length = file.readUInt32BE(at);
    const type = file.toString('latin1', at + 4, at + 8);
    const data = file.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const [depth, colour, , , interlace] = [data[8], data[9], data[10], data[11], data[12]];
      channels = CHANNELS[colour ?? -1] ?? 0;
      if (depth !== 8 || channels === 0 || interlace !== 0) throw new Error(`unsupported PNG: depth ${depth}, colour type ${colour}, interlace ${interlace}`);
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[y * stride + x - channels]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels]! : 0;
      const predictor = filter === 0 ? 0 : filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : paeth(a, b, c);
      pixels[y * stride + x] = (line[x]! + predictor) & 0xff;
    }
  }
  const rgba = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const p = pixels.subarray(i * channels, (i + 1) * channels);
    const [r, g, b, alpha] = channels === 1 ? [p[0], p[0], p[0], 255] : channels === 2 ? [p[0], p[0], p[0], p[1]] : [p[0], p[1], p[2], channels === 4 ? p[3] : 255];
    rgba.writeUInt8(r!, i * 4);
    rgba.writeUInt8(g!, i * 4 + 1);
    rgba.writeUInt8(b!, i * 4 + 2);
    rgba.writeUInt8(alpha!, i * 4 + 3);
  }
  return { width, height, rgba };
}

/** Pixels of the rectangle [x0, x1) × [y0, y1) that differ between two images (by more than `tolerance` in a channel). */
export function differingPixels(a: Image, b: Image, [x0, y0, x1, y1]: [number, number, number, number], tolerance = 16): number {
  let n = 0;
  for (let y = y0; y < Math.min(y1, a.height, b.height); y++) {
    for (let x = x0; x < Math.min(x1, a.width, b.width); x++) {
      const i = (y * a.width + x) * 4;
      const j = (y * b.width + x) * 4;
      for (let k = 0; k < 3; k++) {
        if (Math.abs(a.rgba[i + k]! - b.rgba[j + k]!) > tolerance) {
          n += 1;
          break;
        }
      }
    }
  }
  return n;
}

/** Pixels of the rectangle darker than `below` (mean of R, G, B). */
export function darkPixels(image: Image, [x0, y0, x1, y1]: [number, number, number, number], below = 128): number {
  let n = 0;
  for (let y = y0; y < Math.min(y1, image.height); y++) {
    for (let x = x0; x < Math.min(x1, image.width); x++) {
      const i = (y * image.width + x) * 4;
      if ((image.rgba[i]! + image.rgba[i + 1]! + image.rgba[i + 2]!) / 3 < below) n += 1;
    }
  }
  return n;
}
