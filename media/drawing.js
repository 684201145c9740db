// The "Figure from Drawing" webview: draws the state the extension sends and reports gestures.
// Everything that decides (snapping, hit-testing, undo, inference, synthesis) happens in the extension.
// Coordinates sent are raster pixels: 0..256, row 0 at the top, 16 px per grid unit.
(function () {
  const vscode = acquireVsCodeApi();
  const RASTER = 256;
  const GRID = 16;
  const canvas = document.getElementById('drawing-canvas');
  const ctx = canvas.getContext('2d');
  const scale = canvas.width / RASTER;
  const $ = (id) => document.getElementById(id);

  let view = undefined;
  let background = undefined;
  let tool = document.body.dataset.source === 'sketch' ? 'draw' : 'erase';
  let lastMode = undefined;
  /** The gesture in progress: {points} for a stroke, {from, to} for a shape or a click. */
  let gesture = undefined;

  const post = (message) => vscode.postMessage(message);

  function toRaster(event) {
    const rect = canvas.getBoundingClientRect();
    return [((event.clientX - rect.left) * RASTER) / rect.width, ((event.clientY - rect.top) * RASTER) / rect.height];
  }
  const snap = ([x, y]) => [Math.round(x / GRID) * GRID, Math.round(y / GRID) * GRID];
  const gridPx = (x, y) => [x * GRID * scale, (RASTER - y * GRID) * scale];

  function arrowHead(x1, y1, x2, y2) {
    const len = Math.hypot(x2 - x1, y2 - y1) || 1;
    const bx = (x1 - x2) / len;
    const by = (y1 - y2) / len;
    const a = (28 * Math.PI) / 180;
    const l = 9 * scale;
    for (const s of [-1, 1]) {
      const c = Math.cos(s * a);
      const n = Math.sin(s * a);
      ctx.moveTo(x2, y2);
      ctx.lineTo(x2 + l * (bx * c - by * n), y2 + l * (bx * n + by * c));
    }
  }

  function drawPrimitive(p) {
    ctx.beginPath();
    ctx.setLineDash(p.type === 'line' && !p.solid ? [6 * scale, 6 * scale] : []);
    if (p.type === 'circle') {
      const [cx, cy] = gridPx(p.x, p.y);
      ctx.arc(cx, cy, p.r * GRID * scale, 0, 2 * Math.PI);
    } else if (p.type === 'rectangle') {
      const [ax, ay] = gridPx(p.x1, p.y1);
      const [bx, by] = gridPx(p.x2, p.y2);
      ctx.rect(Math.min(ax, bx), Math.min(ay, by), Math.abs(bx - ax), Math.abs(by - ay));
    } else {
      const [ax, ay] = gridPx(p.x1, p.y1);
      const [bx, by] = gridPx(p.x2, p.y2);
      ctx.moveTo(ax, ay);
      ctx.lineTo(bx, by);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.beginPath();
      if (p.arrow) {
        arrowHead(ax, ay, bx, by);
      }
    }
    ctx.stroke();
    ctx.setLineDash([]);
  }

  function drawStroke(points) {
    ctx.beginPath();
    points.forEach(([x, y], k) => (k === 0 ? ctx.moveTo(x * scale, y * scale) : ctx.lineTo(x * scale, y * scale)));
    if (points.length === 1) {
      ctx.lineTo(points[0][0] * scale + 0.1, points[0][1] * scale);
    }
    ctx.stroke();
  }

  /** The shape a drag would add, snapped like the extension snaps it (for the preview only). */
  function previewShape(from, to) {
    const [ax, ay] = snap(from);
    const [bx, by] = snap(to);
    const g = (px, py) => [px / GRID, (RASTER - py) / GRID];
    const [x1, y1] = g(ax, ay);
    const [x2, y2] = g(bx, by);
    if (tool === 'circle') {
      return { type: 'circle', x: x1, y: y1, r: 1 };
    }
    if (tool === 'rectangle') {
      return { type: 'rectangle', x1, y1, x2, y2 };
    }
    return { type: 'line', x1, y1, x2, y2, arrow: tool === 'arrow' || tool === 'dashedArrow', solid: tool === 'line' || tool === 'arrow' };
  }

  function render() {
    ctx.setLineDash([]);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    const tracing = view && view.mode === 'trace';
    if (background) {
      ctx.globalAlpha = tracing ? 0.45 : 1;
      ctx.drawImage(background, 0, 0, canvas.width, canvas.height);
      ctx.globalAlpha = 1;
    }
    ctx.fillStyle = '#b8c2cc';
    for (let gx = 0; gx <= RASTER; gx += GRID) {
      for (let gy = 0; gy <= RASTER; gy += GRID) {
        ctx.fillRect(gx * scale - 1.5, gy * scale - 1.5, 3, 3);
      }
    }
    if (!view) {
      return;
    }
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = tracing ? '#9aa0a6' : '#111111';
    ctx.lineWidth = 2.5 * scale;
    view.strokes.forEach(drawStroke);
    view.shapes.forEach(drawPrimitive);
    if (tracing) {
      ctx.strokeStyle = '#e8590c';
      ctx.lineWidth = 2 * scale;
      view.trace.forEach(drawPrimitive);
    }
    if (gesture && gesture.points && gesture.points.length > 0) {
      ctx.strokeStyle = '#111111';
      ctx.lineWidth = 2.5 * scale;
      drawStroke(gesture.points);
    } else if (gesture && gesture.to && tool !== 'erase') {
      ctx.strokeStyle = tracing ? '#e8590c' : '#111111';
      ctx.globalAlpha = 0.6;
      drawPrimitive(previewShape(gesture.from, gesture.to));
      ctx.globalAlpha = 1;
    }
  }

  function updateControls() {
    const mode = view ? view.mode : 'sketch';
    if (mode !== lastMode) {
      // Sketching starts with the pencil; correcting a trace starts with Delete.
      tool = mode === 'trace' || document.body.dataset.source !== 'sketch' ? 'erase' : 'draw';
      lastMode = mode;
    }
    document.querySelectorAll('[data-modes]').forEach((el) => {
      el.classList.toggle('hidden', !el.dataset.modes.split(' ').includes(mode));
    });
    document.querySelectorAll('.tool').forEach((el) => el.classList.toggle('selected', el.dataset.tool === tool));
    if (!view) {
      return;
    }
    $('undo').disabled = !view.canUndo;
    $('infer').disabled = view.busy;
    $('insert').disabled = view.busy || view.trace.length === 0;
    $('tikz').disabled = view.busy || view.trace.length === 0;
    $('status').textContent = view.status;
    if (mode === 'trace') {
      const n = view.trace.length;
      const cost = view.program ? ` · program cost ${view.program.cost}` : '';
      $('summary').textContent = `${n} primitive${n === 1 ? '' : 's'}${cost}`;
    } else {
      $('summary').textContent = `${view.strokes.length} stroke${view.strokes.length === 1 ? '' : 's'} · ${view.shapes.length} shape${view.shapes.length === 1 ? '' : 's'}`;
    }
    const alternatives = $('alternatives');
    alternatives.replaceChildren();
    if (view.alternatives.length > 1) {
      const label = document.createElement('div');
      label.textContent = 'Readings (best first):';
      alternatives.append(label);
      view.alternatives.forEach((a, k) => {
        const button = document.createElement('button');
        button.className = `alternative${view.chosen === k ? ' selected' : ''}`;
        button.textContent = `#${k + 1}: ${a.primitives} primitives`;
        button.title = `score ${a.score}`;
        button.addEventListener('click', () => post({ type: 'choose', index: k }));
        alternatives.append(button);
      });
    }
    $('program').textContent = view.program
      ? `${view.program.text}${view.program.optimal ? '' : '\n(search stopped at its time limit)'}`
      : view.trace.length > 0
        ? 'Synthesizing…'
        : '';
  }

  canvas.addEventListener('pointerdown', (event) => {
    if (event.button !== 0 || !view) {
      return;
    }
    canvas.setPointerCapture(event.pointerId);
    const at = toRaster(event);
    gesture = tool === 'draw' ? { points: [at] } : { from: at, to: at };
    render();
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!gesture) {
      return;
    }
    // Pens report more points than one event carries.
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    if (gesture.points) {
      for (const e of events.length > 0 ? events : [event]) {
        gesture.points.push(toRaster(e));
      }
    } else {
      gesture.to = toRaster(event);
    }
    render();
  });
  const finish = (event) => {
    if (!gesture) {
      return;
    }
    const g = gesture;
    gesture = undefined;
    if (event.type === 'pointercancel') {
      render();
      return;
    }
    const round = ([x, y]) => [Math.round(x * 10) / 10, Math.round(y * 10) / 10];
    if (g.points) {
      post({ type: 'stroke', points: g.points.map(round) });
    } else if (tool === 'erase') {
      post({ type: 'erase', at: round(g.to) });
    } else {
      post({ type: 'shape', tool, from: round(g.from), to: round(g.to) });
    }
    render();
  };
  canvas.addEventListener('pointerup', finish);
  canvas.addEventListener('pointercancel', finish);

  document.querySelectorAll('.tool').forEach((el) =>
    el.addEventListener('click', () => {
      tool = el.dataset.tool;
      updateControls();
    }),
  );
  $('undo').addEventListener('click', () => post({ type: 'undo' }));
  $('clear').addEventListener('click', () => post({ type: 'clear' }));
  $('infer').addEventListener('click', () => post({ type: 'infer' }));
  $('back').addEventListener('click', () => post({ type: 'backToSketch' }));
  $('insert').addEventListener('click', () => post({ type: 'insert' }));
  $('tikz').addEventListener('click', () => post({ type: 'copyTikz' }));
  window.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && !event.shiftKey && event.key.toLowerCase() === 'z') {
      event.preventDefault();
      post({ type: 'undo' });
    }
  });

  /** JPEG (which the extension cannot decode) → 256×256 grayscale bytes, base64. */
  function decode(dataUrl) {
    const image = new Image();
    image.onload = () => {
      const off = document.createElement('canvas');
      off.width = RASTER;
      off.height = RASTER;
      const c = off.getContext('2d');
      c.fillStyle = '#ffffff';
      c.fillRect(0, 0, RASTER, RASTER);
      c.drawImage(image, 0, 0, RASTER, RASTER);
      const rgba = c.getImageData(0, 0, RASTER, RASTER).data;
      let binary = '';
      for (let i = 0; i < RASTER * RASTER; i++) {
        binary += String.fromCharCode(Math.round(0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2]));
      }
      post({ type: 'decoded', pixels: btoa(binary) });
    };
    image.onerror = () => post({ type: 'decodeFailed', message: 'the browser could not read the image' });
    image.src = dataUrl;
  }

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (message.type === 'state') {
      view = message.view;
      updateControls();
      render();
    } else if (message.type === 'background') {
      const image = new Image();
      image.onload = () => {
        background = image;
        render();
      };
      image.src = message.dataUrl;
    } else if (message.type === 'decode') {
      decode(message.dataUrl);
    }
  });

  updateControls();
  render();
  post({ type: 'ready' });
})();
