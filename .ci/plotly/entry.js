'use strict';
// plotly.js's own src/core.js (4.1.1), with only what BoneTrack's charts use: scatter and
// bar traces; annotations, shapes, legend, hover (fx), the toolbar (modebar), colour
// scales (scatter's defaults need them) and selections (the zoom box needs them).
// Left out: pie, world calendars, range sliders and selectors, sliders, update menus
// (static/js/chart.js draws those as real buttons), images, grid, error bars, colour
// bars, 3D annotations, the promise polyfill and the Snapshot/PlotSchema extras.
// A component left out answers as a no-op (Registry.getComponentMethod).
// Charts: tracker/dashboard/charts/*.py. A new trace type or component goes here first.
exports.version = require('plotly.js/src/version').version;

// plotly's global CSS; it finds static/vendor/plotly/plotly-global.css by id and adds nothing.
require('plotly.js/build/plotcss');

var Registry = require('plotly.js/src/registry');
var register = (exports.register = Registry.register);

var plotApi = require('plotly.js/src/plot_api');
Object.keys(plotApi).forEach(function (name) {
  if (name.charAt(0) !== '_') exports[name] = plotApi[name];
  register({ moduleType: 'apiMethod', name: name, fn: plotApi[name] });
});

register(require('plotly.js/src/traces/scatter'));
register(require('plotly.js/src/traces/bar'));
register([
  require('plotly.js/src/components/annotations'),
  require('plotly.js/src/components/selections'),
  require('plotly.js/src/components/shapes'),
  require('plotly.js/src/components/colorscale'),
  require('plotly.js/src/components/legend'), // after shapes, as in core.js
  require('plotly.js/src/components/fx'), // after legend, as in core.js
  require('plotly.js/src/components/modebar'),
]);
register([require('plotly.js/src/locale-en'), require('plotly.js/src/locale-en-us')]);
