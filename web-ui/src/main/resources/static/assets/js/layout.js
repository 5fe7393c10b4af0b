// Plan layout for humans, in one notation on every page: "TP 8 x PP 4 x DP 8, VPP 2, selective recompute, ZeRO-1".
// A layout arrives either as the plan document's layout object or as the engine's one-line short form
// ("tp8 pp4 dp8 cp1 vpp2 mb1 zero1 recompute=selective", the plans list, the best plan so far and the GPU-count
// comparison); both are read into the same knobs and written by describeKnobs.
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

/** A plan document's layout object in the dashboard's notation. */
export function describeLayout(layout) {
  if (!layout) return 'no layout';
  const scheme = LAYOUT.codingScheme(layout);
  const coding = scheme && scheme.toUpperCase() !== 'NONE'
    ? `${scheme.toLowerCase().replace(/_/g, ' ')}${/SGC$/i.test(scheme) ? ` B=${LAYOUT.burstLength(layout)} W=${LAYOUT.window(layout)} λ=${LAYOUT.maxStragglersInWindow(layout)}` : ` s=${LAYOUT.stragglersTolerated(layout)}`}`
    : null;
  return describeKnobs({
    ...degrees(layout),
    sequenceParallel: LAYOUT.sequenceParallel(layout) === true,
    microBatch: LAYOUT.microBatchSequences(layout),
    recompute: LAYOUT.recompute(layout),
    zero: LAYOUT.zeroStage(layout),
    quantizedWeights: LAYOUT.quantizedWeights(layout) === true,
    hpz: LAYOUT.hpzGroupSize(layout),
    quantizedGradients: LAYOUT.quantizedGradients(layout) === true,
    coding,
    split: LAYOUT.stageLayerCounts(layout),
    ladder: (LAYOUT.ladderLayers(layout) || []).length,
    ep: LAYOUT.ep(layout),
    etp: LAYOUT.etp(layout) ?? 1,
    dispatcher: LAYOUT.dispatcher(layout),
    overlap: LAYOUT.allToAllOverlap(layout) === true,
  });
}

/** The engine's short form (LayoutDescriptions) in the dashboard's notation; text it cannot read is shown as is. */
export function describeShortForm(text) {
  if (!text) return 'no layout';
  const number = (pattern) => {
    const match = pattern.exec(text);
    return match ? Number(match[1]) : undefined;
  };
  const tp = number(/\btp(\d+)/);
  if (tp === undefined) return text;
  const zeroPlusPlus = /zero\+\+\(([^)]*)\)/.exec(text);
  const coding = /\bgc=(\w+)\(([^)]*)\)/.exec(text);
  // Older plans end with the bare recompute mode ("... zero1 none").
  const recompute = /\brecompute=(\w+)/.exec(text) || /\s(none|selective|full)$/.exec(text);
  return describeKnobs({
    tp,
    pp: number(/\bpp(\d+)/) ?? 1,
    dp: number(/\bdp(\d+)/) ?? 1,
    cp: number(/\bcp(\d+)/) ?? 1,
    vpp: number(/\bvpp(\d+)/) ?? 1,
    sequenceParallel: /\bsp\b/.test(text),
    microBatch: number(/\bmb(\d+)/),
    recompute: recompute ? recompute[1] : undefined,
    zero: number(/\bzero(\d)\b/),
    quantizedWeights: Boolean(zeroPlusPlus && /qwZ/.test(zeroPlusPlus[1])),
    hpz: zeroPlusPlus ? Number((/hpZ=(\d+)/.exec(zeroPlusPlus[1]) || [])[1]) : undefined,
    quantizedGradients: Boolean(zeroPlusPlus && /qgZ/.test(zeroPlusPlus[1])),
    coding: coding ? `${coding[1].replace(/_/g, ' ')} (${coding[2]})` : null,
    split: undefined,
    ladder: number(/\bladder=(\d+)/) ?? 0,
    // Expert parallelism as LayoutDescriptions writes it: "ep8 etp2 dispatcher=hierarchical a2a-overlap".
    ep: number(/\bep(\d+)/),
    etp: number(/\betp(\d+)/) ?? 1,
    dispatcher: (/\bdispatcher=(\w+)/.exec(text) || [undefined, 'alltoall'])[1],
    overlap: /\ba2a-overlap\b/.test(text),
  });
}

function describeKnobs(k) {
  const parts = [[`TP ${k.tp}`, k.cp > 1 ? `CP ${k.cp}` : null, `PP ${k.pp}`, `DP ${k.dp}`].filter(Boolean).join(' x ')];
  if (k.vpp > 1) parts.push(`VPP ${k.vpp}`);
  if (k.sequenceParallel) parts.push('sequence parallel');
  if (k.microBatch !== undefined) parts.push(`micro-batch ${k.microBatch}`);
  if (k.recompute && k.recompute.toUpperCase() !== 'NONE') parts.push(`${k.recompute.toLowerCase()} recompute`);
  else parts.push('no recompute');
  if (k.zero > 0) parts.push(`ZeRO-${k.zero}`);
  const knobs = [];
  if (k.quantizedWeights) knobs.push('qwZ');
  if (k.hpz > 1) knobs.push(`hpZ ${k.hpz}`);
  if (k.quantizedGradients) knobs.push('qgZ');
  if (knobs.length) parts.push(`ZeRO++ (${knobs.join(', ')})`);
  if (k.coding) parts.push(`gradient coding ${k.coding}`);
  if (Array.isArray(k.split) && k.split.length > 1) parts.push(`layers per stage ${k.split.join('/')}`);
  if (k.ladder) parts.push(`Ladder Residual on ${k.ladder} layer${k.ladder === 1 ? '' : 's'}`);
  if (k.ep !== undefined) {
    parts.push(`EP ${k.ep}${k.etp > 1 ? ` x ETP ${k.etp}` : ''} (${k.dispatcher} dispatcher${k.overlap ? ', all-to-all overlapped' : ''})`);
  }
  return parts.join(', ');
}
