// Time per generation of neataptic (npm package neataptic 1.4.7, installed here by `npm install`) on XOR
// with NEAT's fitness (4 - sum|error|)^2, for bench/neat_vs_neataptic.sh:
//   node bench/peers/neataptic/xor_time.js POPULATION GENERATIONS
// neataptic's Neat has no speciation (power selection, crossover, FFW mutations); it is the NEAT-style
// library runnable here, timed at equal population and generation count, not an equal algorithm.
const neataptic = require('neataptic');

const population = Number(process.argv[2] || 150);
const generations = Number(process.argv[3] || 100);
const patterns = [[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]];

function fitness(network) {
  let error = 0;
  // Outputs clipped to [0, 1] as neuroevo clips actions to the xor env's action space.
  for (const [a, b, t] of patterns) error += Math.abs(t - Math.min(1, Math.max(0, network.noTraceActivate([a, b])[0])));
  return (4 - error) * (4 - error);
}

async function main() {
  const neat = new neataptic.Neat(2, 1, fitness, {
    popsize: population,
    elitism: Math.round(0.1 * population),
    mutationRate: 0.3,
    mutation: neataptic.methods.mutation.FFW,
  });
  const t0 = process.cpuUsage();
  const w0 = process.hrtime.bigint();
  let best = 0;
  for (let g = 0; g < generations; g++) {
    const fittest = await neat.evolve();
    best = Math.max(best, fittest.score);
  }
  const cpu = process.cpuUsage(t0);
  const wall = Number(process.hrtime.bigint() - w0) / 1e9;
  const cpuS = (cpu.user + cpu.system) / 1e6;
  console.log(`neataptic: population ${population}, ${generations} generations: ${cpuS.toFixed(2)} s CPU, ${wall.toFixed(2)} s wall, ` +
              `${(1000 * cpuS / generations).toFixed(2)} ms CPU per generation, best fitness ${best.toFixed(3)}`);
}

main();
