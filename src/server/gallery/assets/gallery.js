// The gallery page: the request journal, live, newest first. Every value reaches the page through
// textContent or a DOM property, never as markup, so a hostile prompt is only ever text. The list
// is virtual: only the rows in view (and a few either side) exist, however many requests there are.

const ROW_HEIGHT = 80; // gallery.css --row
const OVERSCAN = 6;
const THUMBS = 3;
const THUMB = 64; // gallery.css --thumb
const LONG_TEXT = 600;

const $ = (id) => document.getElementById(id);
const list = $('list');
const spacer = $('spacer');
const empty = $('empty');
const live = $('live');
const count = $('count');
const statusFilter = $('status-filter');
const modelFilter = $('model-filter');
const detail = $('detail');

const state = {
  /** Every row, oldest first (by journal id). */
  rows: [],
  byId: new Map(),
  /** The rows the filters let through, newest first: what the list shows. */
  view: [],
  status: '',
  model: '',
  selected: null,
  apiPath: '/api/v1',
  limit: 1000,
  statuses: new Set(),
  models: new Set(),
};

// Row elements in use by journal id; the others wait in `free` to be reused.
const shown = new Map();
const free = [];
const boundRow = new WeakMap();

const imageUrl = (id, index) => `requests/${encodeURIComponent(id)}/images/${encodeURIComponent(index)}`;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function matches(row) {
  if (state.model && row.model !== state.model) return false;
  const status = row.status ?? 0;
  if (state.status === 'ok') return status >= 200 && status < 300;
  if (state.status === 'error') return status < 200 || status >= 300;
  return !state.status || String(status) === state.status;
}

// ——— the list ———

function newRowElement() {
  const row = el('div', 'row');
  row.setAttribute('role', 'button');
  row.tabIndex = 0;
  const thumbs = el('div', 'thumbs');
  for (let i = 0; i < THUMBS; i++) {
    const box = el('span', 'thumb');
    const img = document.createElement('img');
    img.loading = 'lazy';
    img.decoding = 'async';
    img.alt = '';
    box.append(img, el('span', 'label'));
    thumbs.append(box);
  }
  thumbs.append(el('span', 'more'));
  const status = el('div', 'cell');
  status.append(el('span', 'badge'), el('span', 'sub'));
  const what = el('div', 'cell');
  what.append(el('div', 'model'), el('div', 'prompt'), el('div', 'clip error-text'));
  const cells = ['size', 'format', 'scenario', 'verdict', 'timing'].map((name) => {
    const cell = el('div', `cell ${name}`);
    cell.append(el('div', 'clip main-text'), el('span', 'sub clip'));
    return cell;
  });
  row.append(thumbs, status, what, ...cells);
  spacer.append(row);
  return row;
}

/** Scales a w×h image into the thumbnail box, keeping its aspect ratio. */
function fitThumb(width, height) {
  const scale = Math.min(THUMB / width, THUMB / height);
  return [Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale))];
}

function fillThumbs(thumbs, row) {
  const boxes = thumbs.querySelectorAll('.thumb');
  const kept = new Map(row.images.map((image) => [image.index, image]));
  const slots = Math.max(1, Math.min(THUMBS, row.count));
  boxes.forEach((box, index) => {
    const img = box.firstChild;
    const label = box.lastChild;
    box.hidden = index >= slots;
    const image = kept.get(index);
    if (!box.hidden && image) {
      box.className = 'thumb';
      label.textContent = '';
      img.hidden = false;
      if (image.width && image.height) {
        const [width, height] = fitThumb(image.width, image.height);
        img.width = width;
        img.height = height;
      } else {
        img.removeAttribute('width');
        img.removeAttribute('height');
      }
      const src = imageUrl(row.id, index);
      if (img.getAttribute('src') !== src) img.src = src;
      img.title = `${image.width ?? '?'}×${image.height ?? '?'} ${image.mediaType}`;
      return;
    }
    img.hidden = true;
    img.removeAttribute('src');
    if (row.count > index && row.stream && row.status === 200) {
      box.className = 'thumb pending';
      label.textContent = 'streaming';
    } else {
      box.className = 'thumb none';
      label.textContent = row.count > index ? 'not kept' : (row.status ?? 0) >= 400 ? 'no image' : '—';
    }
  });
  const more = thumbs.lastChild;
  more.hidden = row.count <= THUMBS;
  more.textContent = `+${row.count - THUMBS}`;
}

function setCell(cell, main, sub, title) {
  cell.firstChild.textContent = main;
  cell.lastChild.textContent = sub;
  cell.title = title ?? '';
}

const shortType = (type) => (type ? type.replace(/^image\//, '').replace(/\+xml$/, '') : '');
const kilobytes = (bytes) =>
  bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(bytes < 10240 ? 1 : 0)} KB`;
const clock = (iso) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString();
};

function fillRow(element, row) {
  element.dataset.id = String(row.id);
  const [thumbs, status, what, size, format, scenario, verdict, timing] = element.children;
  fillThumbs(thumbs, row);

  const code = row.status ?? 0;
  const badge = status.firstChild;
  badge.textContent = row.status === null ? '…' : String(code);
  badge.className = `badge s${String(code)[0]}`;
  status.lastChild.textContent = [row.stream ? 'stream' : '', row.generic ? 'generic' : '']
    .filter(Boolean)
    .join(' · ');

  const [model, prompt, error] = what.children;
  model.textContent = row.model ?? `${row.method} ${row.path}`;
  model.title = model.textContent;
  prompt.textContent = row.prompt ?? '';
  prompt.title = row.prompt ?? '';
  error.textContent = row.error ?? '';
  error.title = row.error ?? '';
  error.hidden = !row.error;
  prompt.classList.toggle('clip', Boolean(row.error));

  const first = row.images[0];
  const pixels = first?.width ? `${first.width}×${first.height}` : '';
  const images = row.count > 1 ? `${row.count} images` : '';
  setCell(size, row.size ?? (row.model ? 'default' : ''), [pixels, images].filter(Boolean).join(' · '));
  const bytes = row.images.reduce((sum, image) => sum + image.bytes, 0);
  setCell(format, shortType(row.format), bytes ? kilobytes(bytes) : '');
  setCell(scenario, row.scenario ?? '—', '', row.scenario ?? '');
  if (row.valid) setCell(verdict, '✓ valid', '');
  else
    setCell(
      verdict,
      `✗ ${row.violations} violation${row.violations === 1 ? '' : 's'}`,
      row.violation ?? '',
      row.violation ?? '',
    );
  verdict.classList.toggle('valid', row.valid);
  verdict.classList.toggle('invalid', !row.valid);
  const ms = row.ms === null ? '…' : row.ms < 0.1 ? '< 0.1 ms' : `${row.ms} ms`;
  setCell(timing, ms, clock(row.time), row.time);
}

function render() {
  const view = state.view;
  spacer.style.height = `${view.length * ROW_HEIGHT}px`;
  const top = list.scrollTop;
  const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(view.length, Math.ceil((top + list.clientHeight) / ROW_HEIGHT) + OVERSCAN);
  const wanted = new Set();
  for (let i = first; i < last; i++) wanted.add(view[i].id);
  for (const [id, element] of shown) {
    if (wanted.has(id)) continue;
    shown.delete(id);
    element.hidden = true;
    free.push(element);
  }
  for (let i = first; i < last; i++) {
    const row = view[i];
    let element = shown.get(row.id);
    if (!element) {
      element = free.pop() ?? newRowElement();
      element.hidden = false;
      shown.set(row.id, element);
    }
    if (boundRow.get(element) !== row) {
      fillRow(element, row);
      boundRow.set(element, row);
    }
    const y = `translateY(${i * ROW_HEIGHT}px)`;
    if (element.style.transform !== y) element.style.transform = y;
    element.classList.toggle('selected', row.id === state.selected);
  }
  count.textContent = `${view.length.toLocaleString()} of ${state.rows.length.toLocaleString()} requests`;
  renderEmpty();
}

function renderEmpty() {
  empty.hidden = state.view.length > 0;
  if (empty.hidden) return;
  empty.replaceChildren();
  if (state.rows.length > 0) {
    empty.textContent = 'No request matches these filters.';
    return;
  }
  empty.append(
    'No requests yet. Point a client at ',
    el('code', '', `${location.origin}${state.apiPath}`),
    ' (POST /images): each request appears here as it is answered.',
  );
}

let scheduled = false;
function schedule() {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    render();
  });
}

// ——— data ———

function rebuildView() {
  const view = [];
  for (let i = state.rows.length - 1; i >= 0; i--) if (matches(state.rows[i])) view.push(state.rows[i]);
  state.view = view;
}

/** Adds `value` to a filter once seen, in order after the fixed options (statuses by number). */
function addOption(select, values, value, numeric) {
  if (values.has(value)) return;
  values.add(value);
  const option = el('option', '', value);
  option.value = value;
  const later = [...select.options].find(
    (o) =>
      values.has(o.value) && (numeric ? Number(o.value) > Number(value) : o.value.localeCompare(value) > 0),
  );
  select.insertBefore(option, later ?? null);
}

function noteFilters(row) {
  if (row.status !== null) addOption(statusFilter, state.statuses, String(row.status), true);
  if (row.model) addOption(modelFilter, state.models, row.model, false);
}

function resetOptions(rows) {
  for (const [select, values] of [
    [statusFilter, state.statuses],
    [modelFilter, state.models],
  ]) {
    for (const value of values) select.querySelector(`option[value="${CSS.escape(value)}"]`)?.remove();
    values.clear();
  }
  for (const row of rows) noteFilters(row);
  // A filter whose value is gone shows everything rather than nothing.
  statusFilter.value = state.status;
  modelFilter.value = state.model;
  state.status = statusFilter.value;
  state.model = modelFilter.value;
}

/** Index of the first element of `array` for which `before(element)` is false. */
function firstNot(array, before) {
  let low = 0;
  let high = array.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (before(array[mid])) low = mid + 1;
    else high = mid;
  }
  return low;
}

function upsert(row) {
  const old = state.byId.get(row.id);
  state.byId.set(row.id, row);
  noteFilters(row);
  if (old) {
    state.rows[firstNot(state.rows, (r) => r.id < row.id)] = row;
    const at = state.view.indexOf(old);
    if (at >= 0) state.view[at] = row;
    return 0;
  }
  // Answers can come out of arrival order (a slow request is answered after a quick one).
  state.rows.splice(
    firstNot(state.rows, (r) => r.id < row.id),
    0,
    row,
  );
  while (state.rows.length > state.limit) {
    const oldest = state.rows.shift();
    state.byId.delete(oldest.id);
    if (state.view[state.view.length - 1] === oldest) state.view.pop();
  }
  if (!matches(row)) return 0;
  const at = firstNot(state.view, (r) => r.id > row.id);
  state.view.splice(at, 0, row);
  return at;
}

function onSnapshot(snapshot) {
  state.apiPath = snapshot.apiPath;
  state.rows = snapshot.rows;
  state.limit = Math.max(1000, snapshot.rows.length);
  state.byId = new Map(snapshot.rows.map((row) => [row.id, row]));
  resetOptions(snapshot.rows);
  rebuildView();
  render();
  if (performance.getEntriesByName('gallery:first-render').length === 0) {
    performance.mark('gallery:first-render');
    document.documentElement.dataset.ready = 'true';
  }
}

function onRows(rows) {
  const firstVisible = Math.floor(list.scrollTop / ROW_HEIGHT);
  let above = 0;
  for (const row of rows) {
    const wasNew = !state.byId.has(row.id);
    const at = upsert(row);
    if (wasNew && matches(row) && at <= firstVisible) above++;
  }
  // Someone reading further down keeps their place while new rows arrive on top.
  if (above > 0 && list.scrollTop > 0) list.scrollTop += above * ROW_HEIGHT;
  if (state.selected !== null && rows.some((row) => row.id === state.selected)) openDetail(state.selected);
  schedule();
}

function onFilterChange() {
  state.status = statusFilter.value;
  state.model = modelFilter.value;
  rebuildView();
  list.scrollTop = 0;
  render();
}

// ——— the detail panel ———

/** JSON for reading: long strings (base64 references, say) are cut. */
function readable(value) {
  return JSON.stringify(
    value,
    (_, v) =>
      typeof v === 'string' && v.length > LONG_TEXT ? `${v.slice(0, 120)}… (${v.length} characters)` : v,
    2,
  );
}

let detailRequest = 0;
async function openDetail(id) {
  state.selected = id;
  schedule();
  const ticket = ++detailRequest;
  let entry;
  try {
    const response = await fetch(`requests/${encodeURIComponent(id)}`, { cache: 'no-store' });
    entry = response.ok ? await response.json() : undefined;
  } catch {
    entry = undefined;
  }
  if (ticket !== detailRequest) return;
  detail.hidden = false;
  renderDetail(id, entry);
}

function renderDetail(id, entry) {
  const images = $('detail-images');
  images.replaceChildren();
  if (!entry) {
    $('detail-title').textContent = `#${id} is no longer in the journal`;
    for (const name of ['detail-request', 'detail-response', 'detail-json']) $(name).textContent = '';
    $('detail-verdict').replaceChildren();
    return;
  }
  const response = entry.response ?? {};
  $('detail-title').textContent = `#${entry.id} · ${entry.method} ${entry.path} · ${response.status ?? '…'}`;

  for (const image of entry.images) {
    const figure = el('figure');
    const img = document.createElement('img');
    img.src = imageUrl(entry.id, image.index);
    img.alt = `Image ${image.index + 1} of request ${entry.id}`;
    if (image.width && image.height) {
      img.width = image.width;
      img.height = image.height;
    }
    const open = el('a', '', 'open');
    open.href = img.src;
    open.target = '_blank';
    open.rel = 'noopener noreferrer';
    const size = image.width ? `${image.width}×${image.height} · ` : '';
    const caption = el('figcaption', '', `${size}${image.mediaType} · ${kilobytes(image.bytes)} · `);
    caption.append(open);
    figure.append(img, caption);
    images.append(figure);
  }
  const missing = (response.images ?? 0) - entry.images.length;
  if (missing > 0) {
    const streaming = response.stream && response.status === 200 && entry.ms !== undefined;
    images.append(
      el(
        'p',
        'sub',
        `${missing} image${missing === 1 ? '' : 's'} not kept${streaming ? ' (yet)' : ''}: the gallery keeps the most recent ones.`,
      ),
    );
  }

  const headers = Object.entries(entry.headers ?? {}).map(([name, value]) => `${name}: ${value}`);
  const body =
    entry.body === undefined
      ? ''
      : `\n\n${typeof entry.body === 'string' ? entry.body : readable(entry.body)}`;
  $('detail-request').textContent = `${entry.method} ${entry.url}\n${headers.join('\n')}${body}`;

  const lines = [`HTTP ${response.status ?? '…'}`];
  if (response.contentType) lines.push(`content-type: ${response.contentType}`);
  if (response.images !== undefined)
    lines.push(`images: ${response.images}${response.stream ? ' (streamed)' : ''}`);
  if (response.error) lines.push(`error: ${response.error}`);
  if (entry.ms !== undefined) lines.push(`answered in ${entry.ms} ms`);
  if (entry.scenario) lines.push(`scenario: ${readable(entry.scenario)}`);
  for (const note of entry.notes ?? []) lines.push(`note: ${note}`);
  $('detail-response').textContent = lines.join('\n');

  const verdict = $('detail-verdict');
  verdict.replaceChildren();
  const violations = entry.verdict?.violations ?? [];
  if (violations.length === 0) verdict.append(el('p', 'valid', '✓ The request keeps the contract.'));
  else {
    const by = entry.verdict.refusedBy ? ` (refused by the ${entry.verdict.refusedBy})` : '';
    verdict.append(
      el('p', 'invalid', `✗ ${violations.length} violation${violations.length === 1 ? '' : 's'}${by}:`),
    );
    const ul = el('ul', 'violations');
    for (const v of violations) ul.append(el('li', '', `${v.pointer || '/'}: ${v.message}`));
    verdict.append(ul);
  }
  $('detail-json').textContent = readable(entry);
}

function closeDetail() {
  detailRequest++;
  state.selected = null;
  detail.hidden = true;
  schedule();
}

// ——— wiring ———

list.addEventListener('scroll', schedule, { passive: true });
window.addEventListener('resize', schedule);
statusFilter.addEventListener('change', onFilterChange);
modelFilter.addEventListener('change', onFilterChange);
spacer.addEventListener('click', (event) => {
  const row = event.target.closest('.row');
  if (row) openDetail(Number(row.dataset.id));
});
spacer.addEventListener('keydown', (event) => {
  const row = event.target.closest('.row');
  if (row && (event.key === 'Enter' || event.key === ' ')) {
    event.preventDefault();
    openDetail(Number(row.dataset.id));
  }
});
$('detail-close').addEventListener('click', closeDetail);
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && !detail.hidden) closeDetail();
});

const events = new EventSource('events');
events.addEventListener('open', () => {
  live.dataset.state = 'live';
  live.textContent = 'live';
});
events.addEventListener('error', () => {
  const closed = events.readyState === EventSource.CLOSED;
  live.dataset.state = closed ? 'closed' : 'connecting';
  live.textContent = closed ? 'disconnected: reload to retry' : 'reconnecting…';
});
events.addEventListener('snapshot', (event) => onSnapshot(JSON.parse(event.data)));
events.addEventListener('rows', (event) => onRows(JSON.parse(event.data)));
// The page's stream ends with it; closing explicitly spares the server a dead connection.
window.addEventListener('pagehide', () => events.close());
render();
