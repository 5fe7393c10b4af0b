// A node x node heatmap drawn straight on a canvas. ECharts' heatmap needs 0.7-1.2 s for the 16,256 cells of a
// 128-node cluster on a 2-core machine; one fillRect per cell takes a few milliseconds, which keeps the cluster page
// of a 1,024-GPU cluster under a second. Hover shows the cell, a click selects it.

const STOPS = ['#b3261e', '#f7d774', '#e8f1fb', '#1f5fbf'];

function hexToRgb(hex) {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** 256 colours from low (red) through yellow and pale blue to high (blue). */
function colourTable() {
  const stops = STOPS.map(hexToRgb);
  const table = [];
  for (let k = 0; k < 256; k++) {
    const x = (k / 255) * (stops.length - 1);
    const i = Math.min(stops.length - 2, Math.floor(x));
    const t = x - i;
    const rgb = stops[i].map((c, d) => Math.round(c + (stops[i + 1][d] - c) * t));
    table.push(`rgb(${rgb[0]},${rgb[1]},${rgb[2]})`);
  }
  return table;
}

const COLOURS = colourTable();

export function gradientCss() {
  return `linear-gradient(to right, ${STOPS.join(', ')})`;
}

/**
 * Draws cells {i (row), j (column), value, degraded} of an n x n matrix into the container, with each value written
 * in its cell when the cells are large enough; returns a redraw
 * function (for resizes) and calls onSelect(cell) on click and describe(cell) for the hover text.
 */
export function heatmap(container, { labels, cells, maxValue, onSelect, describe }) {
  const n = labels.length;
  const canvas = document.createElement('canvas');
  const tip = document.createElement('div');
  tip.className = 'heatmap-tip';
  tip.hidden = true;
  container.classList.add('heatmap');
  container.append(canvas, tip);
  const grid = new Array(n * n);
  for (const cell of cells) grid[cell.i * n + cell.j] = cell;
  const margin = { left: 86, top: 8, right: 12, bottom: 78 };
  let cellW = 0;
  let cellH = 0;

  const draw = () => {
    const ratio = window.devicePixelRatio || 1;
    const width = container.clientWidth;
    const height = container.clientHeight;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    const g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    const plotW = Math.max(10, width - margin.left - margin.right);
    const plotH = Math.max(10, height - margin.top - margin.bottom);
    cellW = plotW / n;
    cellH = plotH / n;
    g.fillStyle = '#eceff3';
    g.fillRect(margin.left, margin.top, plotW, plotH);
    const gap = cellW > 12 ? 1 : 0;
    for (const cell of cells) {
      const k = Math.max(0, Math.min(255, Math.round((cell.value / maxValue) * 255)));
      g.fillStyle = COLOURS[k];
      g.fillRect(margin.left + cell.j * cellW, margin.top + cell.i * cellH, cellW - gap, cellH - gap);
    }
    // Each cell's value as text where it fits (up to about 40 nodes on a wide screen); the hover and the tables give it
    // everywhere else.
    const showValues = cellW >= 30 && cellH >= 14;
    container.dataset.valuesShown = String(showValues);
    if (showValues) {
      g.font = '10px system-ui, sans-serif';
      g.textAlign = 'center';
      g.textBaseline = 'middle';
      for (const cell of cells) {
        const k = Math.max(0, Math.min(255, Math.round((cell.value / maxValue) * 255)));
        // Dark text on the pale middle of the scale, white on the saturated ends.
        g.fillStyle = k > 60 && k < 200 ? '#1b1f24' : '#fff';
        g.fillText(String(Math.round(cell.value)), margin.left + (cell.j + 0.5) * cellW, margin.top + (cell.i + 0.5) * cellH);
      }
    }
    g.strokeStyle = '#b3261e';
    g.lineWidth = 2;
    for (const cell of cells) {
      if (!cell.degraded) continue;
      // At least 8 px, so that a degraded link stays visible on a 128-node map.
      const w = Math.max(8, cellW);
      const h = Math.max(8, cellH);
      g.strokeRect(margin.left + cell.j * cellW + cellW / 2 - w / 2, margin.top + cell.i * cellH + cellH / 2 - h / 2, w, h);
    }
    g.fillStyle = '#1b1f24';
    g.font = '11px system-ui, sans-serif';
    const step = Math.max(1, Math.ceil(13 / cellH));
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (let i = 0; i < n; i += step) g.fillText(labels[i], margin.left - 6, margin.top + (i + 0.5) * cellH);
    const stepX = Math.max(1, Math.ceil(13 / cellW));
    for (let j = 0; j < n; j += stepX) {
      g.save();
      g.translate(margin.left + (j + 0.5) * cellW, margin.top + plotH + 6);
      g.rotate(-Math.PI / 3);
      g.fillText(labels[j], 0, 0);
      g.restore();
    }
    g.textAlign = 'left';
    g.fillStyle = '#5b6470';
    g.fillText('rows: from, columns: to', 4, height - 10);
  };

  const cellAt = (event) => {
    const rect = canvas.getBoundingClientRect();
    const j = Math.floor((event.clientX - rect.left - margin.left) / cellW);
    const i = Math.floor((event.clientY - rect.top - margin.top) / cellH);
    return i >= 0 && j >= 0 && i < n && j < n ? grid[i * n + j] : undefined;
  };
  canvas.addEventListener('mousemove', (event) => {
    const cell = cellAt(event);
    if (!cell) {
      tip.hidden = true;
      canvas.style.cursor = 'default';
      return;
    }
    canvas.style.cursor = 'pointer';
    tip.textContent = describe(cell);
    tip.style.left = `${Math.min(event.offsetX + 12, container.clientWidth - 260)}px`;
    tip.style.top = `${event.offsetY + 12}px`;
    tip.hidden = false;
  });
  canvas.addEventListener('mouseleave', () => (tip.hidden = true));
  canvas.addEventListener('click', (event) => {
    const cell = cellAt(event);
    if (cell) onSelect(cell);
  });
  draw();
  return draw;
}
