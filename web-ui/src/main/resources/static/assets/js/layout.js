// Plan layout for humans: "TP 8 x PP 4 x DP 8, VPP 2, selective recompute, ZeRO-1".
import { LAYOUT } from './fields.js';

export function degrees(layout) {
  return {
    tp: LAYOUT.tp(layout) ?? 1,
    pp: LAYOUT.pp(layout) ?? 1,
    dp: LAYOUT.dp(layout) ?? 1,
    cp: LAYOUT.cp(layout) ?? 1,
    vpp: LAYOUT.virtualStages(layout) ?? 1,
  };
}

export function describeLayout(layout) {
  if (!layout) return 'no layout';
  const d = degrees(layout);
  const parts = [[`TP ${d.tp}`, d.cp > 1 ? `CP ${d.cp}` : null, `PP ${d.pp}`, `DP ${d.dp}`].filter(Boolean).join(' x ')];
  if (d.vpp > 1) parts.push(`VPP ${d.vpp}`);
  if (LAYOUT.sequenceParallel(layout) === true) parts.push('sequence parallel');
  const micro = LAYOUT.microBatchSequences(layout);
  if (micro !== undefined) parts.push(`micro-batch ${micro}`);
  const recompute = LAYOUT.recompute(layout);
  if (recompute && recompute.toUpperCase() !== 'NONE') parts.push(`${recompute.toLowerCase()} recompute`);
  else parts.push('no recompute');
  const zero = LAYOUT.zeroStage(layout);
  if (zero > 0) parts.push(`ZeRO-${zero}`);
  const knobs = [];
  if (LAYOUT.quantizedWeights(layout) === true) knobs.push('qwZ');
  const hpz = LAYOUT.hpzGroupSize(layout);
  if (hpz > 1) knobs.push(`hpZ ${hpz}`);
  if (LAYOUT.quantizedGradients(layout) === true) knobs.push('qgZ');
  if (knobs.length) parts.push(`ZeRO++ (${knobs.join(', ')})`);
  const scheme = LAYOUT.codingScheme(layout);
  if (scheme && scheme.toUpperCase() !== 'NONE') {
    const params = /SGC$/i.test(scheme)
      ? ` B=${LAYOUT.burstLength(layout)} W=${LAYOUT.window(layout)} λ=${LAYOUT.maxStragglersInWindow(layout)}`
      : ` s=${LAYOUT.stragglersTolerated(layout)}`;
    parts.push(`gradient coding ${scheme.toLowerCase().replace(/_/g, ' ')}${params}`);
  }
  const split = LAYOUT.stageLayerCounts(layout);
  if (Array.isArray(split) && split.length > 1) parts.push(`layers per stage ${split.join('/')}`);
  const ladderCount = (LAYOUT.ladderLayers(layout) || []).length;
  if (ladderCount) parts.push(`Ladder Residual on ${ladderCount} layer${ladderCount === 1 ? '' : 's'}`);
  return parts.join(', ');
}
