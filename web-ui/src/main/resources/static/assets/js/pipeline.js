// The pipeline timeline of one iteration: a one-forward-one-backward (1F1B) schedule simulated from per-micro-batch
// forward and backward times, so the Gantt shows where the bubble is.
//
// Non-interleaved (PipeDream-Flush, Narayanan et al., SC'21 §2.2): stage s runs p - s - 1 warm-up forwards, then
// alternates one forward with one backward, then drains its backwards. Interleaved (same paper, §2.2.2, Megatron-LM's
// schedule): each stage holds v model chunks of 1/v of its layers; forwards go through the chunks in groups of p
// micro-batches, warm-up is (p - s - 1) x 2 + (v - 1) x p chunk forwards, which divides the bubble by v.
// A forward waits for the previous virtual stage's forward of the same micro-batch, a backward for the next virtual
// stage's backward (the last virtual stage's backward for its own forward).

function orderOf(p, v, m, s) {
  const total = m * v;
  const chunkOf = (k, forward) => {
    const c = Math.floor(k / p) % v;
    return forward ? c : v - 1 - c;
  };
  const microOf = (k) => Math.floor(k / (p * v)) * p + (k % p);
  const op = (kind, k) => ({ kind, chunk: v === 1 ? 0 : chunkOf(k, kind === 'F'), micro: v === 1 ? k : microOf(k) });
  const warmup = Math.min(total, v === 1 ? p - s - 1 : (p - s - 1) * 2 + (v - 1) * p);
  const order = [];
  let f = 0;
  let b = 0;
  while (f < warmup) order.push(op('F', f++));
  while (b < total) {
    if (f < total) order.push(op('F', f++));
    order.push(op('B', b++));
  }
  return order;
}

/**
 * Simulates the schedule; forwardSeconds and backwardSeconds are one micro-batch's times on one stage (all its
 * chunks together). Interleaving needs the micro-batch count to be a multiple of the stage count, as in Megatron-LM;
 * otherwise the non-interleaved schedule is simulated and {@code interleaved} is false.
 */
export function oneFOneB({ stages, microBatches, forwardSeconds, backwardSeconds, virtualStages = 1, p2pSeconds = 0 }) {
  const p = Math.max(1, Math.floor(stages));
  const m = Math.max(1, Math.floor(microBatches));
  const v = p > 1 && virtualStages > 1 && m % p === 0 ? Math.floor(virtualStages) : 1;
  const tf = forwardSeconds / v;
  const tb = backwardSeconds / v;
  const orders = Array.from({ length: p }, (_, s) => orderOf(p, v, m, s));
  // End times indexed by ((chunk * p + stage) * m + micro): virtual stage chunk * p + stage.
  const forwardEnd = new Float64Array(p * v * m).fill(NaN);
  const backwardEnd = new Float64Array(p * v * m).fill(NaN);
  const at = (chunk, stage, micro) => (chunk * p + stage) * m + micro;
  const cursor = new Array(p).fill(0);
  const free = new Array(p).fill(0);
  const ops = [];
  let remaining = p * v * m * 2;
  while (remaining > 0) {
    let progressed = false;
    for (let s = 0; s < p; s++) {
      while (cursor[s] < orders[s].length) {
        const op = orders[s][cursor[s]];
        const virtual = op.chunk * p + s;
        let ready;
        if (op.kind === 'F') {
          ready = virtual === 0 ? 0 : forwardEnd[at(Math.floor((virtual - 1) / p), (virtual - 1) % p, op.micro)] + p2pSeconds;
        } else if (virtual === p * v - 1) {
          ready = forwardEnd[at(op.chunk, s, op.micro)];
        } else {
          ready = backwardEnd[at(Math.floor((virtual + 1) / p), (virtual + 1) % p, op.micro)] + p2pSeconds;
        }
        if (Number.isNaN(ready)) break;
        const start = Math.max(free[s], ready);
        const end = start + (op.kind === 'F' ? tf : tb);
        (op.kind === 'F' ? forwardEnd : backwardEnd)[at(op.chunk, s, op.micro)] = end;
        free[s] = end;
        ops.push({ stage: s, kind: op.kind, chunk: op.chunk, micro: op.micro, start, end });
        cursor[s]++;
        remaining--;
        progressed = true;
      }
    }
    if (!progressed) throw new Error('pipeline schedule deadlocked');
  }
  const makespanSeconds = Math.max(...free);
  const busySeconds = m * (forwardSeconds + backwardSeconds);
  return { stages: p, microBatches: m, virtualStages: v, interleaved: v > 1, ops, makespanSeconds, bubbleSeconds: makespanSeconds - busySeconds, busySeconds };
}

/**
 * The schedule's operations merged, per stage, into spans of back-to-back work: with hundreds of micro-batches one bar
 * per forward and backward is thinner than a pixel and the chart becomes a barcode, while the spans and the gaps
 * between them (the bubble) stay readable. Each span counts the forwards and backwards it holds.
 */
export function busySpans(ops) {
  const byStage = new Map();
  for (const op of ops) {
    if (!byStage.has(op.stage)) byStage.set(op.stage, []);
    byStage.get(op.stage).push(op);
  }
  const spans = [];
  for (const [stage, stageOps] of byStage) {
    stageOps.sort((a, b) => a.start - b.start);
    let span = null;
    for (const op of stageOps) {
      // Back to back within a nanosecond of simulated time: the same span.
      if (span && op.start - span.end <= 1e-9) {
        span.end = Math.max(span.end, op.end);
      } else {
        span = { stage, start: op.start, end: op.end, forwards: 0, backwards: 0 };
        spans.push(span);
      }
      if (op.kind === 'F') span.forwards++;
      else span.backwards++;
    }
  }
  return spans;
}
