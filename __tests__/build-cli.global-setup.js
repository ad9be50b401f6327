// Tests spawn bin/kpufit.js, which runs dist/kpufit.js: build it from the current source first.
module.exports = () => {
  require('../scripts/build.cjs').build();
};
