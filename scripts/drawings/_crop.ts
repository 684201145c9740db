import { PNG } from 'pngjs';
import { readFileSync, writeFileSync } from 'node:fs';
const [,, file, x0s, y0s, ws, scs, out] = process.argv;
const png = PNG.sync.read(readFileSync(file));
console.error(png.width, png.height, (png as any).colorType, (png as any).depth);
const x0 = +x0s, y0 = +y0s, w = +ws, sc = +scs;
const o = new PNG({ width: w * sc, height: w * sc });
for (let y = 0; y < w * sc; y++) for (let x = 0; x < w * sc; x++) {
  const sx = x0 + Math.floor(x / sc), sy = y0 + Math.floor(y / sc);
  const i = (sy * png.width + sx) * 4; const j = (y * w * sc + x) * 4;
  let v = png.data[i];
  // grid overlay
  if (sx % 16 === 0 && sy % 16 === 0) { o.data[j]=255;o.data[j+1]=0;o.data[j+2]=0;o.data[j+3]=255; continue; }
  o.data[j] = v; o.data[j + 1] = v; o.data[j + 2] = v; o.data[j + 3] = 255;
}
writeFileSync(out, PNG.sync.write(o));
const hist = new Array(9).fill(0); for (let i = 0; i < png.data.length; i += 4) hist[png.data[i] >> 5]++;
console.error(hist.join(' '));
