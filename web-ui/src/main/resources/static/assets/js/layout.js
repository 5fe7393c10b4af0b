// Plan layout for humans: "TP 8 x PP 4 x DP 8, VPP 2, selective recompute, ZeRO-1".

/** The first defined value among alternative key spellings (the layout record's names, or Megatron-style ones). */
export function pick(object, ...keys) {
  if (!object) return undefined;
  for (const key of keys) if (object[key] !== undefined && object[key] !== null) return object[key];
  return undefined;
}

export function degrees(layout) {
  return {
    tp: Number(pick(layout, 'tp', 'tensorParallel', 'tensorParallelDegree', 'tensorModelParallelSize') ?? 1),
    pp: Number(pick(layout, 'pp', 'pipelineParallel', 'pipelineParallelDegree', 'pipelineModelParallelSize') ?? 1),
    dp: Number(pick(layout, 'dp', 'dataParallel', 'dataParallelDegree', 'dataParallelSize') ?? 1),
    cp: Number(pick(layout, 'cp', 'contextParallel', 'contextParallelDegree', 'contextParallelSize') ?? 1),
    vpp: Number(pick(layout, 'virtualStages', 'vpp', 'virtualPipelineStages', 'virtualPipelineParallelSize') ?? 1),
  };
}

function enumName(value) {
  if (value === undefined || value === null) return null;
  if (typeof value === 'object') return pick(value, 'scheme', 'kind', 'type', 'name', 'mode') ?? null;
  return String(value);
}

export function describeLayout(layout) {
  if (!layout) return 'no layout';
  const d = degrees(layout);
  const parts = [[`TP ${d.tp}`, d.cp > 1 ? `CP ${d.cp}` : null, `PP ${d.pp}`, `DP ${d.dp}`].filter(Boolean).join(' x ')];
  if (d.vpp > 1) parts.push(`VPP ${d.vpp}`);
  if (pick(layout, 'sequenceParallel') === true) parts.push('sequence parallel');
  const micro = pick(layout, 'microBatchSequences', 'microBatchSize', 'microBatch');
  if (micro !== undefined) parts.push(`micro-batch ${micro}`);
  const recompute = enumName(pick(layout, 'recompute', 'activationRecompute', 'recomputeGranularity'));
  if (recompute && recompute.toUpperCase() !== 'NONE') parts.push(`${recompute.toLowerCase()} recompute`);
  else parts.push('no recompute');
  const zero = pick(layout, 'zeroStage', 'zero');
  if (zero !== undefined && Number(zero) > 0) parts.push(`ZeRO-${zero}`);
  const zpp = pick(layout, 'zeroPlusPlus', 'zeroPP');
  if (zpp && typeof zpp === 'object') {
    const knobs = [];
    if (pick(zpp, 'qwZ', 'quantizedWeights') === true) knobs.push('qwZ');
    const hpz = pick(zpp, 'hpZGroupSize', 'hpZ', 'hpzGroupSize', 'hierarchicalPartitionSize');
    if (hpz !== undefined && hpz !== false && Number(hpz) > 1) knobs.push(`hpZ ${hpz}`);
    else if (hpz === true) knobs.push('hpZ');
    if (pick(zpp, 'qgZ', 'quantizedGradients') === true) knobs.push('qgZ');
    if (knobs.length) parts.push(`ZeRO++ (${knobs.join(', ')})`);
  }
  const coding = pick(layout, 'gradientCoding');
  const codingKind = enumName(coding);
  if (codingKind && codingKind.toUpperCase() !== 'NONE') {
    const sequential = /SGC$/i.test(codingKind);
    const s = coding && typeof coding === 'object' ? pick(coding, 'stragglersTolerated', 's', 'stragglers', 'redundancy') : undefined;
    const params = sequential && coding && typeof coding === 'object'
      ? ` B=${pick(coding, 'burstLength')} W=${pick(coding, 'window')} λ=${pick(coding, 'maxStragglersInWindow')}`
      : s !== undefined ? ` s=${s}` : '';
    parts.push(`gradient coding ${codingKind.toLowerCase().replace(/_/g, ' ')}${params}`);
  }
  const split = pick(layout, 'stageLayerCounts');
  if (Array.isArray(split) && split.length > 1) parts.push(`layers per stage ${split.join('/')}`);
  const ladder = pick(layout, 'ladderLayers', 'ladder', 'ladderLayerSet');
  const ladderCount = Array.isArray(ladder) ? ladder.length : typeof ladder === 'number' ? ladder : ladder && typeof ladder === 'object' ? pick(ladder, 'count', 'layers')?.length ?? pick(ladder, 'count') : 0;
  if (ladderCount) parts.push(`Ladder Residual on ${ladderCount} layer${ladderCount === 1 ? '' : 's'}`);
  return parts.join(', ');
}
