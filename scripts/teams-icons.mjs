// Writes the two icons the Teams app package needs (teams/color.png 192×192, teams/outline.png
// 32×32, white on transparent), drawn here so the package needs no image editor: a ring with a
// tick, gig's "safe to promote". Run once after changing the drawing: node scripts/teams-icons.mjs
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A PNG (8-bit RGBA) of `size`×`size` from a function giving each pixel's [r, g, b, a]. */
function png(size, pixel) {
  const rows = Buffer.alloc(size * (1 + size * 4));
  for (let y = 0; y < size; y += 1) {
    rows[y * (1 + size * 4)] = 0; // filter: none
    for (let x = 0; x < size; x += 1) rows.set(pixel(x + 0.5, y + 0.5), y * (1 + size * 4) + 1 + x * 4);
  }
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'ascii');
    data.copy(out, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, no filter method, no interlace
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/** Distance from point p to the segment a–b. */
function toSegment([px, py], [ax, ay], [bx, by]) {
  const [dx, dy] = [bx - ax, by - ay];
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Whether (x, y) of a `size` square is on the mark: a ring and a tick inside it. */
function onMark(x, y, size) {
  const [cx, cy, unit] = [size / 2, size / 2, size / 32];
  const ring = Math.abs(Math.hypot(x - cx, y - cy) - 12 * unit) <= 1.6 * unit;
  const point = [x, y];
  const tick = Math.min(toSegment(point, [10 * unit, 16.5 * unit], [14.5 * unit, 21 * unit]), toSegment(point, [14.5 * unit, 21 * unit], [22 * unit, 11.5 * unit])) <= 1.6 * unit;
  return ring || tick;
}

const ACCENT = [0x2c, 0x2d, 0x30, 255];
const WHITE = [255, 255, 255, 255];
const CLEAR = [0, 0, 0, 0];
// Teams' colour icon: the mark in white on the accent colour, filling the square.
writeFileSync(path.join(ROOT, 'teams', 'color.png'), png(192, (x, y) => (onMark(x, y, 192) ? WHITE : ACCENT)));
// Teams' outline icon: white on transparent, nothing else.
writeFileSync(path.join(ROOT, 'teams', 'outline.png'), png(32, (x, y) => (onMark(x, y, 32) ? WHITE : CLEAR)));
