// ECharts (served from its WebJar) behind one helper: every chart is disposed when the view goes away, and every
// chart is paired with a table or label text in the view itself (accessibility, and what the tests read).

export function chart(container, option, ctx, { label } = {}) {
  if (label) {
    container.setAttribute('role', 'img');
    container.setAttribute('aria-label', label);
  }
  if (!window.echarts) {
    container.textContent = 'Charts are unavailable (the ECharts script did not load); the tables below hold the same data.';
    return null;
  }
  const instance = window.echarts.init(container, null, { renderer: 'canvas' });
  instance.setOption({ animation: false, ...option });
  const onResize = () => instance.resize();
  window.addEventListener('resize', onResize);
  ctx.onCleanup(() => {
    window.removeEventListener('resize', onResize);
    instance.dispose();
  });
  return instance;
}

/** A fixed qualitative palette (colour-blind friendly Okabe-Ito first) for stages, groups and breakdown parts. */
export const palette = [
  '#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000',
  '#7f7f7f', '#8c564b', '#17becf', '#bcbd22', '#9467bd', '#e377c2', '#2ca02c', '#d62728',
];

export function colour(index) {
  return palette[((index % palette.length) + palette.length) % palette.length];
}
