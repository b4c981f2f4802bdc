// The fleet page: one row per board, live. Only the visible page of rows is in the DOM, so a
// fleet of thousands stays responsive; updates are coalesced into one render per frame.
'use strict';

(() => {
  const {el, ago, sparkline, stream, problem} = Spindle;
  const PAGE = 50;
  const boards = new Map(); // board id -> summary
  let ids = []; // sorted board ids
  let page = 0;
  let pending = false;
  const rowCache = new Map(); // board id -> {b, tr}: a row is rebuilt only when its board changed

  const tbody = document.getElementById('boards');
  const filter = document.getElementById('filter');
  const statusFilter = document.getElementById('status-filter');
  const collator = new Intl.Collator(undefined, {numeric: true});

  function schedule() {
    if (!pending) {
      pending = true;
      requestAnimationFrame(() => { pending = false; render(); });
    }
  }

  function matches(b, words, st) {
    if (st === 'problem' ? !problem(b) : st && b.status !== st) return false;
    if (words.length === 0) return true;
    const hay = [b.board, b.status, b.board_type, b.firmware_version, b.agent_version, b.health, b.slot,
      b.app_state].filter(Boolean).join(' ').toLowerCase();
    return words.every((w) => hay.includes(w));
  }

  function row(b) {
    const link = el('a', {href: '/board/' + encodeURIComponent(b.board)}, b.board);
    const health = b.status === 'offline' ? '-' : (b.health || '?');
    const tr = el('tr', {className: 'st-' + b.status + (problem(b) ? ' problem' : ''), dataset: {board: b.board}},
      el('td', {className: 'board'}, link),
      el('td', {className: 'status'}, el('span', {className: 'dot'}), b.status),
      el('td', {className: 'seen'}, ago(b.last_seen)),
      el('td', null, b.board_type || '?'),
      el('td', null, b.firmware_version || '?'),
      el('td', null, b.slot || '-'),
      el('td', {className: 'health h-' + health}, health, b.deadlocks > 0 ? ' (deadlock)' : ''),
      el('td', null, sparkline(b.cpu, 100, 'cpu')),
      el('td', null, sparkline(b.heap, 100, 'heap')),
      el('td', null, sparkline(b.temp, 0, 'temp')),
      el('td', {className: 'num'}, b.thread_count === undefined ? '?' : b.thread_count));
    return tr;
  }

  function render() {
    const counts = {online: 0, stale: 0, offline: 0, problem: 0};
    for (const b of boards.values()) {
      counts[b.status] = (counts[b.status] || 0) + 1;
      if (problem(b)) counts.problem++;
    }
    document.getElementById('count-total').textContent = boards.size;
    document.getElementById('count-online').textContent = counts.online;
    document.getElementById('count-stale').textContent = counts.stale;
    document.getElementById('count-offline').textContent = counts.offline;
    document.getElementById('count-problem').textContent = counts.problem;

    const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    const st = statusFilter.value;
    const shown = ids.filter((id) => matches(boards.get(id), words, st));
    const pages = Math.max(1, Math.ceil(shown.length / PAGE));
    page = Math.min(page, pages - 1);
    const slice = shown.slice(page * PAGE, page * PAGE + PAGE);
    const rows = slice.map((id) => {
      const b = boards.get(id);
      let c = rowCache.get(id);
      if (!c || c.b !== b) {
        c = {b, tr: row(b)};
        rowCache.set(id, c);
      } else {
        c.tr.querySelector('td.seen').textContent = ago(b.last_seen);
      }
      return c.tr;
    });
    for (const id of rowCache.keys()) {
      if (!slice.includes(id)) rowCache.delete(id);
    }
    const same = rows.length === tbody.children.length && rows.every((tr, i) => tbody.children[i] === tr);
    if (!same) tbody.replaceChildren(...rows);
    document.getElementById('page-info').textContent = shown.length === 0 ? '0 of 0'
      : (page * PAGE + 1) + '–' + (page * PAGE + slice.length) + ' of ' + shown.length;
    document.getElementById('prev').disabled = page === 0;
    document.getElementById('next').disabled = page >= pages - 1;
    document.getElementById('empty').hidden = boards.size > 0;
  }

  stream('/events', {
    broker: (b) => { document.getElementById('fleet-name').textContent = b.fleet; },
    boards: (d) => {
      if (d.full) boards.clear();
      let added = d.full;
      for (const b of d.boards) {
        if (!boards.has(b.board)) added = true;
        boards.set(b.board, b);
      }
      if (added) ids = [...boards.keys()].sort(collator.compare);
      schedule();
    },
    rollouts: (d) => Spindle.onRollouts(d),
  });

  filter.addEventListener('input', () => { page = 0; schedule(); });
  statusFilter.addEventListener('change', () => { page = 0; schedule(); });
  document.getElementById('prev').addEventListener('click', () => { page = Math.max(0, page - 1); schedule(); });
  document.getElementById('next').addEventListener('click', () => { page++; schedule(); });
  setInterval(schedule, 1000); // "last seen" keeps counting
})();
