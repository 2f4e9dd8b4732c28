// glassnet playground: the page. It draws what the server sends; the network itself is a
// glassnet model trained in the server's Python process.
"use strict";

const NEGATIVE = [245, 147, 34];
const POSITIVE = [8, 119, 189];
const ZERO = [232, 234, 235];
const LAYER_COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d"];
const NEURON = 40; // px, a neuron's picture
const NEURON_GAP = 10;
const COLUMN_TOP = 48;

const app = {
  state: null,
  frame: null,
  lastFrame: 0,
  trace: null,
  frameTimes: [],
  structureKey: "",
  links: [],
};

const $ = (id) => document.getElementById(id);

// -- talking to the server -----------------------------------------------------------------------
async function api(path, options) {
  const response = await fetch(path, options || {});
  if (response.status === 204) return null;
  let body;
  try {
    body = await response.json();
  } catch (error) {
    body = { error: `the server answered ${response.status} without JSON` };
  }
  if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
  return body;
}

function post(path, value) {
  return api(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(value),
  });
}

function showMessage(text, isError) {
  const box = $("message");
  box.textContent = text;
  box.className = isError ? "error" : "";
  box.hidden = !text;
}

async function changeConfig(changes) {
  let state;
  try {
    state = await post("/api/config", changes);
  } catch (error) {
    showMessage(error.message, true);
    renderSettings();
    return;
  }
  showMessage("");
  closeTrace();
  applyState(state);
}

async function control(action) {
  try {
    await post("/api/control", { action });
  } catch (error) {
    showMessage(error.message, true);
  }
}

async function loadState() {
  applyState(await api("/api/state"));
}

async function pollFrames() {
  for (;;) {
    try {
      const frame = await api(`/api/frame?after=${app.lastFrame}`);
      if (frame === null) continue;
      app.lastFrame = frame.frame;
      if (frame.config_version !== app.state.config_version) await loadState();
      renderFrame(frame);
    } catch (error) {
      showMessage(`lost the connection to the playground server (${error.message})`, true);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

// -- colours and numbers ----------------------------------------------------------------------------
function colour(value) {
  // value in [-1, 1]: orange through grey-white to blue
  const t = Math.max(-1, Math.min(1, value));
  const end = t < 0 ? NEGATIVE : POSITIVE;
  const w = Math.abs(t);
  return ZERO.map((z, i) => Math.round(z + (end[i] - z) * w));
}

function palette(lightness) {
  // 256 levels (0..255 stand for -1..1) as RGBA, mixed with white by lightness
  const table = new Uint8ClampedArray(256 * 4);
  for (let level = 0; level < 256; level++) {
    const [r, g, b] = colour(level / 127.5 - 1).map((v) => v + (255 - v) * lightness);
    table.set([r, g, b, 255], level * 4);
  }
  return table;
}
const PALETTE = palette(0);
const LIGHT_PALETTE = palette(0.3); // the decision boundary, under the points

function decode(base64) {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

function paint(canvas, levels, side, colours) {
  const table = colours || PALETTE;
  const context = canvas.getContext("2d");
  const image = context.createImageData(side, side);
  for (let i = 0; i < levels.length; i++) image.data.set(table.subarray(levels[i] * 4, levels[i] * 4 + 4), i * 4);
  context.putImageData(image, 0, 0);
}

function fixed(value, digits) {
  return value === null || value === undefined ? "nan" : value.toFixed(digits);
}

function rgb(values) {
  return `rgb(${values.join(",")})`;
}

// -- state: settings, data, network structure -------------------------------------------------------
function applyState(state) {
  app.state = state;
  renderSettings();
  buildNetwork();
  if (app.frame) renderFrame(app.frame);
}

function fillSelect(select, names, value) {
  if (select.options.length !== names.length) {
    select.replaceChildren(...names.map((name) => new Option(name, name)));
  }
  select.value = value;
}

function renderSettings() {
  const { config, options } = app.state;
  fillSelect($("optimizer"), options.optimizers, config.optimizer);
  fillSelect($("activation"), options.activations, config.activation);
  fillSelect($("initializer"), options.initializers, config.initializer);
  fillSelect($("regularization"), options.regularizations, config.regularization);
  for (const key of ["learning_rate", "regularization_rate", "dropout", "batch_size", "seed"]) {
    $(key).value = config[key];
  }
  $("batch_size").max = options.max_batch_size;
  $("samples").min = options.min_samples;
  $("samples").max = options.max_samples;
  for (const key of ["samples", "test_percent", "noise"]) {
    $(key).value = config.data[key];
    $(`${key}-value`).textContent = key === "samples" ? config.data[key] : `${config.data[key]}%`;
  }
  if (config.data.name === "csv") {
    $("samples-value").textContent = app.state.points.train.length + app.state.points.test.length;
  }
  $("samples").disabled = $("noise").disabled = config.data.name === "csv";
  const buttons = $("datasets");
  if (!buttons.children.length) {
    for (const name of options.datasets.filter((n) => n !== "csv")) {
      const button = document.createElement("button");
      button.textContent = name;
      button.dataset.dataset = name;
      button.addEventListener("click", () => changeConfig({ data: { name } }));
      buttons.append(button);
    }
  }
  for (const button of buttons.children) {
    button.classList.toggle("active", button.dataset.dataset === config.data.name);
  }
  $("csv-info").textContent = app.state.csv_classes
    ? `CSV classes: ${app.state.csv_classes[0]} (orange), ${app.state.csv_classes[1]} (blue)`
    : "";
  const hidden = config.hidden.length;
  $("layer-count").textContent = `${hidden} hidden layer${hidden === 1 ? "" : "s"}`;
  $("add-layer").disabled = hidden >= options.max_hidden_layers;
  $("remove-layer").disabled = hidden === 0;
}

function columnsOf(state) {
  // the network drawing: all input features, the hidden layers, the output
  const { config, options } = state;
  const columns = [{ kind: "features", names: options.features }];
  config.hidden.forEach((units, i) => columns.push({ kind: "hidden", layer: i, units }));
  columns.push({ kind: "output", units: 1 });
  return columns;
}

function buildNetwork() {
  const state = app.state;
  const columns = columnsOf(state);
  const width = Math.max($("network").clientWidth, 420);
  const key = JSON.stringify([state.config.hidden, state.config.features, state.layers, width]);
  if (key === app.structureKey) return;
  app.structureKey = key;
  const network = $("network");
  const svg = $("links");
  for (const element of [...network.querySelectorAll(".column, .neuron")]) element.remove();
  svg.replaceChildren();
  const spacing = (width - NEURON - 60) / Math.max(columns.length - 1, 1);
  let tallest = 0;
  app.positions = columns.map((column, c) => {
    const count = column.kind === "features" ? column.names.length : column.units;
    const x = 60 + c * spacing;
    tallest = Math.max(tallest, COLUMN_TOP + count * (NEURON + NEURON_GAP));
    return Array.from({ length: count }, (_, i) => ({ x, y: COLUMN_TOP + i * (NEURON + NEURON_GAP) }));
  });
  network.style.height = `${tallest + 40}px`;
  svg.setAttribute("width", width);
  svg.setAttribute("height", tallest + 40);

  app.neurons = columns.map((column, c) => {
    const head = document.createElement("div");
    head.className = "column";
    head.style.left = `${60 + c * spacing - 30}px`;
    head.style.width = `${NEURON + 60}px`;
    const label = document.createElement("div");
    label.className = "column-head";
    if (column.kind === "features") label.textContent = "inputs";
    if (column.kind === "output") label.textContent = "output";
    if (column.kind === "hidden") {
      const units = column.units;
      const more = button("+", () => setUnits(column.layer, units + 1), units >= state.options.max_neurons);
      const fewer = button("\u2212", () => setUnits(column.layer, units - 1), units <= 1);
      more.dataset.action = "add-neuron";
      fewer.dataset.action = "remove-neuron";
      more.dataset.layer = fewer.dataset.layer = label.dataset.layer = column.layer;
      label.dataset.units = units;
      label.append(more, " ", fewer, document.createElement("br"), `${units} neuron${units === 1 ? "" : "s"}`);
      const warning = document.createElement("span");
      warning.className = "warning";
      warning.dataset.layer = state.layers[column.layer];
      label.append(" ", warning);
    }
    if (column.kind === "output") {
      const warning = document.createElement("span");
      warning.className = "warning";
      warning.dataset.layer = "output";
      label.append(" ", warning);
    }
    head.append(label);
    network.append(head);
    return app.positions[c].map((position, i) => {
      const neuron = document.createElement("div");
      neuron.className = "neuron";
      neuron.style.left = `${position.x}px`;
      neuron.style.top = `${position.y}px`;
      const canvas = document.createElement("canvas");
      const side = column.kind === "output" ? state.options.grid : state.options.thumbnail;
      canvas.width = canvas.height = side;
      neuron.append(canvas);
      const values = document.createElement("div");
      values.className = "values";
      neuron.append(values);
      if (column.kind === "features") {
        const name = column.names[i];
        const used = state.config.features.includes(name);
        neuron.classList.add("feature");
        neuron.classList.toggle("off", !used);
        neuron.dataset.feature = name;
        neuron.title = used ? `${name}: click to stop using it` : `${name}: click to use it`;
        const text = document.createElement("span");
        text.className = "name";
        text.textContent = name;
        neuron.append(text);
        neuron.addEventListener("click", () => toggleFeature(name));
      } else {
        const layer = column.kind === "output" ? "output" : state.layers[column.layer];
        neuron.dataset.layer = layer;
        neuron.dataset.unit = i;
        neuron.title = `${layer}, neuron ${i}`;
      }
      network.append(neuron);
      return { element: neuron, canvas, values };
    });
  });

  // one line per weight of each Dense layer: from a used input (or neuron) to a neuron
  app.links = [];
  const used = state.config.features.map((name) => state.options.features.indexOf(name));
  for (let c = 1; c < columns.length; c++) {
    const sources = c === 1 ? used : app.positions[c - 1].map((_, i) => i);
    sources.forEach((source, row) => {
      app.positions[c].forEach((target, unit) => {
        const from = app.positions[c - 1][source];
        const line = document.createElementNS("http://www.w3.org/2000/svg", "line");
        line.setAttribute("x1", from.x + NEURON);
        line.setAttribute("y1", from.y + NEURON / 2);
        line.setAttribute("x2", target.x);
        line.setAttribute("y2", target.y + NEURON / 2);
        const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
        line.append(title);
        svg.append(line);
        app.links.push({ line, title, layer: c - 1, row, unit });
      });
    });
  }
  if (app.trace) labelTrace();
}

function button(text, onClick, disabled) {
  const element = document.createElement("button");
  element.textContent = text;
  element.disabled = disabled;
  element.addEventListener("click", onClick);
  return element;
}

function setUnits(layer, units) {
  const hidden = app.state.config.hidden.slice();
  hidden[layer] = units;
  changeConfig({ hidden });
}

function toggleFeature(name) {
  const features = app.state.config.features;
  const next = features.includes(name) ? features.filter((f) => f !== name) : [...features, name];
  changeConfig({ features: next });
}

// -- a frame: progress, pictures, weights, curves -------------------------------------------------
function renderFrame(frame) {
  app.frame = frame;
  // a frame of other settings than the page shows waits for the new state (pollFrames loads it)
  if (frame.config_version !== app.state.config_version) return;
  document.body.dataset.frame = frame.frame;
  const now = performance.now();
  if (frame.playing) {
    app.frameTimes.push(now);
    while (app.frameTimes.length && now - app.frameTimes[0] > 2000) app.frameTimes.shift();
    if (app.frameTimes.length > 2) {
      const span = (app.frameTimes[app.frameTimes.length - 1] - app.frameTimes[0]) / 1000;
      const rate = (app.frameTimes.length - 1) / span;
      $("rate").textContent = `${rate.toFixed(1)} updates/s`;
      $("rate").dataset.rate = rate;
    }
  } else {
    app.frameTimes = [];
  }
  $("epoch").textContent = String(frame.epoch).padStart(6, "0").replace(/^(\d{3})/, "$1,");
  $("play").textContent = frame.playing ? "Pause" : "Play";
  $("play").dataset.playing = frame.playing;
  $("play").dataset.busy = frame.busy;
  $("test-loss").textContent = fixed(frame.test.loss, 3);
  $("train-loss").textContent = fixed(frame.train.loss, 3);
  $("test-accuracy").textContent = fixed(frame.test.accuracy, 4);
  $("train-accuracy").textContent = fixed(frame.train.accuracy, 4);
  if (frame.message) showMessage(frame.message, true);
  drawBoundary(frame);
  drawNeurons(frame);
  drawLinks(frame);
  drawLossChart(frame);
  drawGradientChart(frame);
  showProblems(frame);
}

function drawBoundary(frame) {
  const canvas = $("boundary");
  const side = app.state.options.grid;
  if (!app.heat) {
    app.heat = document.createElement("canvas");
    app.heat.width = app.heat.height = side;
  }
  paint(app.heat, decode(frame.boundary), side, LIGHT_PALETTE);
  const context = canvas.getContext("2d");
  context.imageSmoothingEnabled = true;
  context.drawImage(app.heat, 0, 0, canvas.width, canvas.height);
  const plane = app.state.options.plane;
  const toPixel = (x1, x2) => [((x1 + plane) / (2 * plane)) * canvas.width, ((plane - x2) / (2 * plane)) * canvas.height];
  const splits = $("show-test").checked ? ["train", "test"] : ["train"];
  for (const split of splits) {
    for (const [x1, x2, label] of app.state.points[split]) {
      const [px, py] = toPixel(x1, x2);
      context.beginPath();
      context.arc(px, py, 3.5, 0, 2 * Math.PI);
      context.fillStyle = rgb(label ? POSITIVE : NEGATIVE);
      context.fill();
      context.lineWidth = 1;
      context.strokeStyle = split === "train" ? "#fff" : "#000";
      context.stroke();
    }
  }
  if (app.trace) {
    const [px, py] = toPixel(...app.trace.point);
    context.beginPath();
    context.arc(px, py, 8, 0, 2 * Math.PI);
    context.lineWidth = 2.5;
    context.strokeStyle = "#000";
    context.stroke();
  }
  // axes ticks at the plane's whole numbers
  context.fillStyle = "rgba(0,0,0,0.45)";
  context.font = "10px sans-serif";
  for (let v = -plane; v <= plane; v += plane / 2) {
    const [px] = toPixel(v, 0);
    const [, py] = toPixel(0, v);
    context.fillText(String(v), Math.min(px + 2, canvas.width - 14), canvas.height - 3);
    context.fillText(String(v), 2, Math.max(py - 2, 10));
  }
}

function drawNeurons(frame) {
  if (!app.neurons) return;
  const used = app.state.config.features;
  const featureColumn = app.neurons[0];
  app.state.options.features.forEach((name, i) => {
    const index = used.indexOf(name);
    if (index >= 0 && frame.neurons[0] && frame.neurons[0][index]) {
      paint(featureColumn[i].canvas, decode(frame.neurons[0][index]), app.state.options.thumbnail);
    }
  });
  for (let c = 1; c < app.neurons.length - 1; c++) {
    const pictures = frame.neurons[c] || [];
    app.neurons[c].forEach((neuron, i) => {
      if (pictures[i]) paint(neuron.canvas, decode(pictures[i]), app.state.options.thumbnail);
      const bias = frame.biases[c - 1] ? frame.biases[c - 1][i] : undefined;
      if (bias !== undefined) neuron.element.title = `${frame.layers[c - 1]}, neuron ${i}; bias ${bias.toFixed(3)}`;
    });
  }
  const output = app.neurons[app.neurons.length - 1][0];
  if (app.heat) output.canvas.getContext("2d").drawImage(app.heat, 0, 0);
}

function drawLinks(frame) {
  const traced = app.trace ? app.trace.trace.layers.filter((l) => l.kind === "Dense") : null;
  const shown = app.trace ? app.trace.shown.layers.filter((l) => l.kind === "Dense") : null;
  const largest = [];
  const values = (layer) => (traced ? traced[layer].gradients.kernel : frame.weights[layer]);
  for (const link of app.links) {
    const matrix = values(link.layer);
    if (!matrix || !matrix[link.row]) continue;
    if (largest[link.layer] === undefined) {
      largest[link.layer] = Math.max(1e-12, ...matrix.flat().map((v) => Math.abs(v || 0)));
    }
    const value = matrix[link.row][link.unit] || 0;
    const scale = traced ? 1 / largest[link.layer] : 1 / 3;
    link.line.setAttribute("stroke", rgb(colour(Math.sign(value) * Math.min(1, Math.abs(value) * scale * 1.5 + 0.25))));
    link.line.setAttribute("stroke-width", Math.min(6, 0.4 + Math.abs(value) * scale * 4).toFixed(2));
    const weight = frame.weights[link.layer] ? frame.weights[link.layer][link.row][link.unit] : NaN;
    let text = `${frame.layers[link.layer]} kernel[${link.row}][${link.unit}] = ${weight.toFixed(4)}`;
    if (shown) {
      const layer = shown[link.layer];
      text += `\ndL/dW = ${layer.gradients.kernel[link.row][link.unit]}`;
      text += `\nnew W = ${layer.weights_after.kernel[link.row][link.unit]}`;
    }
    link.title.textContent = text;
  }
}

function drawChart(canvas, series, options) {
  const context = canvas.getContext("2d");
  const { width, height } = canvas;
  context.clearRect(0, 0, width, height);
  const xs = series.x;
  if (!xs || xs.length < 1) return;
  const xMax = Math.max(xs[xs.length - 1], 1e-9);
  let low = Infinity;
  let high = -Infinity;
  for (const line of series.lines) {
    for (const v of line.values) {
      if (v === null || !isFinite(v)) continue;
      const y = options.log ? Math.log10(Math.max(v, 1e-12)) : v;
      low = Math.min(low, y);
      high = Math.max(high, y);
    }
  }
  if (!isFinite(low)) return;
  if (!options.log) low = 0;
  if (high - low < 1e-9) high = low + 1;
  const pad = 4;
  const toX = (x) => pad + (x / xMax) * (width - 2 * pad);
  const toY = (y) => height - pad - ((y - low) / (high - low)) * (height - 2 * pad);
  for (const line of series.lines) {
    context.beginPath();
    context.strokeStyle = line.colour;
    context.lineWidth = 1.5;
    let started = false;
    line.values.forEach((v, i) => {
      if (v === null || !isFinite(v)) return;
      const y = toY(options.log ? Math.log10(Math.max(v, 1e-12)) : v);
      if (started) context.lineTo(toX(xs[i]), y);
      else context.moveTo(toX(xs[i]), y);
      started = true;
    });
    context.stroke();
  }
  context.fillStyle = "#888";
  context.font = "10px sans-serif";
  const label = (v) => (options.log ? `1e${Math.round(v)}` : v.toFixed(2));
  context.fillText(label(high), 6, 12);
  context.fillText(label(low), 6, height - 6);
  context.fillText(`epoch ${xMax.toFixed(1)}`, width - 70, height - 6);
}

function drawLossChart(frame) {
  const losses = frame.losses;
  drawChart($("loss-chart"), {
    x: losses.x,
    lines: [
      { values: losses.train_loss, colour: "#999" },
      { values: losses.test_loss, colour: "#000" },
    ],
  }, { log: false });
}

function drawGradientChart(frame) {
  const norms = frame.gradient_norms;
  const names = frame.layers;
  drawChart($("gradient-chart"), {
    x: norms.x,
    lines: names.map((name, i) => ({ values: norms[name] || [], colour: LAYER_COLOURS[i % LAYER_COLOURS.length] })),
  }, { log: true });
  const legend = $("gradient-legend");
  const key = names.join(",");
  if (legend.dataset.key !== key) {
    legend.dataset.key = key;
    legend.replaceChildren(...names.map((name, i) => {
      const item = document.createElement("span");
      item.style.setProperty("--swatch", LAYER_COLOURS[i % LAYER_COLOURS.length]);
      item.textContent = `${name} \u2016dL/dW\u2016`;
      return item;
    }));
  }
}

function showProblems(frame) {
  const list = $("problems");
  if (list.childElementCount !== frame.problems.length) {
    list.replaceChildren(...frame.problems.map((problem) => {
      const item = document.createElement("li");
      item.dataset.layer = problem.layer;
      item.dataset.kind = problem.kind;
      item.textContent = problem.message;
      return item;
    }));
  }
  for (const badge of document.querySelectorAll(".warning[data-layer]")) {
    const mine = frame.problems.filter((p) => p.layer === badge.dataset.layer);
    badge.textContent = mine.length ? "\u26a0" : "";
    badge.title = mine.map((p) => p.message).join("\n\n");
  }
}

// -- clicking a point: one training step, value by value ---------------------------------------------
function nearestPoint(event) {
  const canvas = $("boundary");
  const box = canvas.getBoundingClientRect();
  const px = ((event.clientX - box.left) / box.width) * canvas.width;
  const py = ((event.clientY - box.top) / box.height) * canvas.height;
  const plane = app.state.options.plane;
  let best = null;
  const splits = $("show-test").checked ? ["train", "test"] : ["train"];
  for (const split of splits) {
    app.state.points[split].forEach(([x1, x2], index) => {
      const dx = ((x1 + plane) / (2 * plane)) * canvas.width - px;
      const dy = ((plane - x2) / (2 * plane)) * canvas.height - py;
      const distance = Math.hypot(dx, dy);
      if (distance < 12 && (!best || distance < best.distance)) best = { split, index, distance };
    });
  }
  return best;
}

async function traceAt(event) {
  const point = nearestPoint(event);
  if (!point) return;
  try {
    app.trace = await post("/api/trace", { split: point.split, index: point.index });
    showTrace();
    if (app.frame) renderFrame(app.frame);
  } catch (error) {
    showMessage(error.message, true);
  }
}

function closeTrace() {
  app.trace = null;
  $("trace-panel").hidden = true;
  if (app.neurons) for (const column of app.neurons) for (const n of column) n.values.textContent = "";
  if (app.frame) renderFrame(app.frame);
}

function vectorRow(name, values) {
  const row = document.createElement("tr");
  const head = document.createElement("th");
  head.textContent = name;
  row.append(head);
  for (const value of values || []) {
    const cell = document.createElement("td");
    cell.textContent = value;
    row.append(cell);
  }
  return row;
}

function showTrace() {
  const { shown } = app.trace;
  const [x1, x2] = app.trace.point;
  $("trace-title").textContent =
    `One training step for the ${app.trace.split} point (${x1.toFixed(3)}, ${x2.toFixed(3)}), ` +
    `label ${app.trace.label}: loss ${shown.loss} (epoch ${app.trace.epoch})`;
  const container = $("trace-layers");
  container.replaceChildren();
  shown.layers.forEach((layer) => {
    const block = document.createElement("div");
    block.className = "trace-layer";
    block.dataset.layer = layer.name;
    const title = document.createElement("h3");
    title.textContent = `${layer.name} (${layer.kind}${layer.activation ? ", " + layer.activation : ""})`;
    block.append(title);
    const table = document.createElement("table");
    for (const key of ["inputs", "z", "a", "dL_da", "dL_dz"]) {
      if (layer[key]) table.append(vectorRow(key.replace("_", "/"), layer[key][0]));
    }
    block.append(table);
    for (const [weight, gradient] of Object.entries(layer.gradients)) {
      const grid = document.createElement("table");
      const caption = document.createElement("caption");
      caption.textContent = `dL/d${weight}`;
      grid.append(caption);
      const rows = Array.isArray(gradient[0]) ? gradient : [gradient];
      rows.forEach((values, r) => {
        const row = document.createElement("tr");
        values.forEach((value, c) => {
          const cell = document.createElement("td");
          cell.textContent = value;
          cell.dataset.trace = "gradient";
          cell.dataset.layer = layer.name;
          cell.dataset.weight = weight;
          cell.dataset.index = Array.isArray(gradient[0]) ? `${r},${c}` : `${c}`;
          row.append(cell);
        });
        grid.append(row);
      });
      block.append(grid);
    }
    container.append(block);
  });
  $("trace-text").textContent = app.trace.text;
  $("trace-panel").hidden = false;
  labelTrace();
}

function labelTrace() {
  // on the drawing: each neuron's output a and dL/dz, each input's value
  for (const column of app.neurons) for (const n of column) n.values.textContent = "";
  if (!app.trace) return;
  const dense = app.trace.shown.layers.filter((layer) => layer.kind === "Dense");
  const used = app.state.config.features;
  app.state.options.features.forEach((name, i) => {
    const index = used.indexOf(name);
    if (index >= 0 && dense[0]) app.neurons[0][i].values.textContent = `x = ${dense[0].inputs[0][index]}`;
  });
  dense.forEach((layer, d) => {
    (app.neurons[d + 1] || []).forEach((neuron, unit) => {
      const lines = [`a ${layer.a[0][unit]}`];
      if (layer.dL_dz) lines.push(`dL/dz ${layer.dL_dz[0][unit]}`);
      neuron.values.textContent = lines.join("\n");
    });
  });
}

// -- export ------------------------------------------------------------------------------------------
async function showExport() {
  try {
    const { program } = await api("/api/export");
    $("program").textContent = program;
    $("export-panel").hidden = false;
    $("export-panel").scrollIntoView({ behavior: "smooth" });
  } catch (error) {
    showMessage(error.message, true);
  }
}

// -- wiring -------------------------------------------------------------------------------------------
function numberSetting(id, parse) {
  $(id).addEventListener("change", () => {
    const value = parse($(id).value);
    if (Number.isNaN(value)) {
      showMessage(`${id.replace("_", " ")}: enter a number`, true);
      renderSettings();
      return;
    }
    changeConfig({ [id]: value });
  });
}

function wire() {
  $("play").addEventListener("click", () => control($("play").dataset.playing === "true" ? "pause" : "play"));
  $("step").addEventListener("click", () => control("step"));
  $("reset").addEventListener("click", () => {
    closeTrace();
    control("reset");
  });
  for (const id of ["optimizer", "activation", "initializer", "regularization"]) {
    $(id).addEventListener("change", () => changeConfig({ [id]: $(id).value }));
  }
  numberSetting("learning_rate", parseFloat);
  numberSetting("regularization_rate", parseFloat);
  numberSetting("dropout", parseFloat);
  numberSetting("batch_size", (v) => parseInt(v, 10));
  numberSetting("seed", (v) => parseInt(v, 10));
  for (const key of ["samples", "test_percent", "noise"]) {
    $(key).addEventListener("input", () => {
      $(`${key}-value`).textContent = key === "samples" ? $(key).value : `${$(key).value}%`;
    });
    $(key).addEventListener("change", () => changeConfig({ data: { [key]: Number($(key).value) } }));
  }
  $("regenerate").addEventListener("click", () => changeConfig({ data: { seed: app.state.config.data.seed + 1 } }));
  $("add-layer").addEventListener("click", () => changeConfig({ hidden: [...app.state.config.hidden, 4] }));
  $("remove-layer").addEventListener("click", () => changeConfig({ hidden: app.state.config.hidden.slice(0, -1) }));
  $("show-test").addEventListener("change", () => app.frame && renderFrame(app.frame));
  $("boundary").addEventListener("click", traceAt);
  $("trace-close").addEventListener("click", closeTrace);
  $("export").addEventListener("click", showExport);
  $("export-close").addEventListener("click", () => ($("export-panel").hidden = true));
  $("csv").addEventListener("change", async () => {
    const file = $("csv").files[0];
    if (!file) return;
    if (file.size > app.state.options.max_upload_bytes) {
      showMessage(`the CSV file has ${file.size} bytes; the limit is ${app.state.options.max_upload_bytes}`, true);
      return;
    }
    try {
      closeTrace();
      applyState(await api("/api/upload", { method: "POST", headers: { "Content-Type": "text/csv" }, body: await file.text() }));
      showMessage("");
    } catch (error) {
      showMessage(error.message, true);
    }
    $("csv").value = "";
  });
  window.addEventListener("resize", () => {
    buildNetwork(); // rebuilt only when the network's width changed
    if (app.frame) renderFrame(app.frame);
  });
}

async function start() {
  wire();
  try {
    await loadState();
  } catch (error) {
    showMessage(`cannot reach the playground server (${error.message})`, true);
    return;
  }
  document.body.dataset.ready = "true";
  pollFrames();
}

start();
