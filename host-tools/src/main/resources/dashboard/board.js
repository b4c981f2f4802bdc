// The board page: live charts (uPlot, bundled), thread table, pins, events and log tail.
'use strict';

(() => {
  const {el, ago, duration, stream} = Spindle;
  const id = decodeURIComponent(location.pathname.replace(/^\/board\//, '').replace(/\/$/, ''));
  document.getElementById('board-name').textContent = id;
  document.title = 'Spindle · ' + id;
  let last = null;
  let lastVersion = -1;

  // ---- charts ----
  const charts = {};
  function chart(key, label, color) {
    const target = document.getElementById('chart-' + key);
    const series = [{}, {label, stroke: color, width: 2, fill: color + '22', spanGaps: true}];
    const u = new uPlot({
      width: Math.max(260, target.clientWidth || 300),
      height: 160,
      legend: {show: false},
      cursor: {drag: {x: false, y: false}},
      scales: {x: {time: true}},
      axes: [{stroke: '#8899a6', grid: {stroke: '#2a3440'}}, {stroke: '#8899a6', grid: {stroke: '#2a3440'}, size: 50}],
      series,
    }, [[], []], target);
    charts[key] = u;
  }
  chart('cpu', 'CPU %', '#4fc3f7');
  chart('heap', 'heap MiB', '#81c784');
  chart('temp', '°C', '#ffb74d');
  chart('threads', 'threads', '#ba68c8');
  window.addEventListener('resize', () => {
    for (const [key, u] of Object.entries(charts)) {
      const w = document.getElementById('chart-' + key).clientWidth;
      if (w > 0) u.setSize({width: w, height: 160});
    }
  });

  function drawCharts(h) {
    if (!h) return;
    charts.cpu.setData([h.t, h.cpu]);
    charts.heap.setData([h.t, h.heap_mib]);
    charts.temp.setData([h.t, h.temp]);
    charts.threads.setData([h.t, h.threads]);
  }

  // ---- info ----
  function info(b) {
    const st = document.getElementById('board-status');
    st.textContent = b.status;
    st.className = 'status st-' + b.status;
    const t = b.telemetry || {};
    const items = [
      ['Status', b.status + (b.reason ? ' (' + b.reason + ')' : '')],
      ['Last seen', ago(b.last_seen)],
      ['Health', b.status === 'offline' ? '-' : (b.health || '?')],
      ['App', b.app_state || '?'],
      ['Type', b.board_type || '?'],
      ['Firmware', b.firmware_version || '?'],
      ['Slot', b.slot || '-'],
      ['Agent', b.agent_version || '?'],
      ['Session', b.session === undefined ? '?' : b.session],
      ['Uptime', t.uptime_s === undefined ? '?' : duration(Math.round(t.uptime_s * 1000))],
      ['Heap', t.heap_used_bytes === undefined ? '?'
        : (t.heap_used_bytes / 1048576).toFixed(1) + ' / ' + (t.heap_max_bytes / 1048576).toFixed(0) + ' MiB'],
      ['Threads', t.thread_count === undefined ? '?' : t.thread_count + ' Spindle, ' + t.jvm_thread_count + ' JVM'],
    ];
    document.getElementById('info').replaceChildren(...items.map(([k, v]) =>
      el('div', {className: 'kv'}, el('span', {className: 'k'}, k), el('span', {className: 'v', dataset: {key: k}}, v))));
  }

  // ---- threads ----
  function threads(tm) {
    const rows = (tm && tm.threads) || [];
    const dls = (tm && tm.deadlocks) || [];
    const inDeadlock = new Set(dls.flatMap((d) => d.threads || []));
    const box = document.getElementById('deadlocks');
    box.replaceChildren(...dls.map((d) => el('div', {className: 'deadlock-text'}, 'DEADLOCK: ' + d.text)));
    box.hidden = dls.length === 0;
    const order = {runnable: 0, waiting: 1, 'timed-waiting': 1, new: 2, terminated: 3};
    const sorted = [...rows].sort((a, b) => (order[a.state] ?? 2) - (order[b.state] ?? 2) || a.ident - b.ident);
    document.getElementById('threads').replaceChildren(...sorted.map((r) => {
      const cls = [r.exception ? 'crashed' : '', inDeadlock.has(r.name) ? 'deadlock' : '',
        r.state === 'terminated' ? 'ended' : ''].filter(Boolean).join(' ');
      const prio = r.effective_priority && r.effective_priority !== r.priority
        ? r.priority + '→' + r.effective_priority : String(r.priority);
      return el('tr', {className: cls, dataset: {thread: r.name}},
        el('td', null, r.name), el('td', {className: 'num'}, r.ident), el('td', {className: 'num'}, prio),
        el('td', null, r.state), el('td', null, r.waiting_on || ''),
        el('td', {className: 'num'}, duration(r.waiting_for_ms)),
        el('td', {className: 'exc'}, r.exception || ''));
    }));
  }

  // ---- pins ----
  // An output is set; an input is driven from outside only on a simulated board (as a button or
  // sensor would); a real board's inputs get no button. Agents that send no pin_modes: a button
  // for every pin, as before (the board answers for pins it cannot write).
  function pins(t, boardType) {
    const p = (t && t.pins) || {};
    const modes = (t && t.pin_modes) || {};
    const names = Object.keys(p).sort(new Intl.Collator(undefined, {numeric: true}).compare);
    document.getElementById('pins-empty').hidden = names.length > 0;
    document.getElementById('pins').replaceChildren(...names.map((name) => {
      const level = p[name];
      const next = level ? 0 : 1;
      const mode = modes[name];
      const drive = mode === 'in';
      let action = '';
      if (!drive || boardType === 'sim') {
        action = el('button', {type: 'button', className: 'toggle', dataset: {pin: name}},
          (drive ? 'drive ' : 'set ') + next);
        action.addEventListener('click', () => writePin(name, next, drive));
      }
      return el('tr', {dataset: {pin: name, mode: mode || ''}},
        el('td', null, name), el('td', {className: 'mode'}, mode === 'in' ? 'input' : mode === 'out' ? 'output' : '?'),
        el('td', {className: 'level l' + level}, level ? 'HIGH (1)' : 'LOW (0)'), el('td', null, action));
    }));
  }

  async function writePin(pin, value, drive) {
    const result = document.getElementById('pin-result');
    const question = drive ? 'Drive the simulated input ' + pin + ' of board ' + id + ' to ' + value + '?'
      : 'Set pin ' + pin + ' of board ' + id + ' to ' + value + '?';
    if (!window.confirm(question)) {
      result.textContent = 'Cancelled.';
      return;
    }
    result.textContent = 'Setting ' + pin + ' to ' + value + '…';
    try {
      const r = await fetch('/api/board/' + encodeURIComponent(id) + '/gpio', {
        method: 'POST',
        headers: {'Content-Type': 'application/json', 'X-Spindle-Request': '1'},
        body: JSON.stringify({pin, value}),
      });
      if (!r.ok) {
        result.textContent = 'Refused: ' + (await r.text());
        return;
      }
      const d = await r.json();
      result.textContent = d.ok ? pin + ' set to ' + value + '.'
        : 'The board answered ' + d.code + ': ' + d.message;
    } catch (e) {
      result.textContent = 'Failed: ' + e;
    }
  }

  // ---- events and log ----
  function events(list) {
    const items = [...(list || [])].reverse().map((e) => {
      const li = el('li', {className: 'sev-' + e.severity, dataset: {type: e.type}},
        el('span', {className: 'ts'}, new Date(e.ts).toLocaleTimeString()), ' ',
        el('span', {className: 'type'}, e.type), ' ', el('span', {className: 'msg'}, e.message || ''));
      if (e.stack) {
        li.append(el('details', null, el('summary', null, 'stack'), el('pre', null, e.stack)));
      }
      return li;
    });
    document.getElementById('events').replaceChildren(...items);
  }

  function log(lines) {
    const box = document.getElementById('log');
    const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
    box.replaceChildren(...(lines || []).map((l) => el('div', {className: 'line lv-' + l.level},
      el('span', {className: 'ts'}, new Date(l.ts).toLocaleTimeString()), ' ',
      el('span', {className: 'lv'}, l.level), ' ', el('span', {className: 'text'}, l.text))));
    if (atBottom) box.scrollTop = box.scrollHeight;
  }

  // ---- deploy ----
  const DEPLOY_TYPES = new Set(['deploy_progress', 'deploy_done', 'deploy_failed', 'rollback']);

  function eventText(e) {
    const d = e.data || {};
    const parts = [];
    if (d.phase) parts.push(d.phase);
    if (d.bundle || d.version) parts.push((d.bundle || '') + ' ' + (d.version || ''));
    if (d.slot) parts.push('slot ' + d.slot);
    if (d.from || d.to) parts.push((d.from || '?') + ' → ' + (d.to || '?'));
    if (d.reason) parts.push(d.reason + (d.detail ? ': ' + d.detail : ''));
    if (d.rolled_back_to) parts.push('rolled back to ' + d.rolled_back_to);
    return parts.join(' · ') || e.message || '';
  }

  function deployCurrent(b) {
    const box = document.getElementById('deploy-current');
    const items = [];
    const r = (b.deploys || [])[0];
    if (r) {
      const x = r.entry || {};
      const bundle = r.bundle || {};
      const row = el('div', {className: 'deploy-now s-' + x.state, dataset: {rollout: r.id, state: x.state}},
        el('span', {className: 'bundle'}, (bundle.name || '?') + ' ' + (bundle.version || '?')), ' ',
        el('span', {className: 'pill rstatus'}, x.state), ' ',
        el('span', {className: 'muted'}, 'rollout ' + r.id + ' (' + (r.finished ? r.status : 'running') + ', ' +
          (r.user || '?') + '@' + (r.host || '?') + ', ' + ago(r.created_ms) + ')'));
      if (x.state === 'transferring' && x.total > 0) {
        row.append(' ', el('progress', {max: String(x.total), value: String(x.bytes)}),
          el('span', {className: 'bytes'}, ' ' + Math.floor(100 * x.bytes / x.total) + '% of ' + x.total + ' bytes'));
      }
      if (x.reason) row.append(el('div', {className: 'reason'}, x.reason));
      items.push(row);
    }
    const evs = (b.events || []).filter((e) => DEPLOY_TYPES.has(e.type));
    const e = evs[evs.length - 1];
    if (e) {
      items.push(el('div', {className: 'deploy-board-says', dataset: {type: e.type}},
        'Board: ', el('span', {className: 'type'}, e.type), ' ', eventText(e), ' ',
        el('span', {className: 'muted'}, ago(e.ts))));
    }
    if (items.length === 0) items.push(el('p', {className: 'empty'}, 'No deploy under way.'));
    box.replaceChildren(...items);
    document.getElementById('deploy-events').replaceChildren(...[...evs].reverse().map((ev) =>
      el('li', {className: 'sev-' + ev.severity, dataset: {type: ev.type}},
        el('span', {className: 'ts'}, new Date(ev.ts).toLocaleTimeString()), ' ',
        el('span', {className: 'type'}, ev.type), ' ', el('span', {className: 'msg'}, eventText(ev)))));
  }

  function deploySlots(st) {
    const box = document.getElementById('deploy-slots');
    if (!st) return;
    if (st.error) {
      box.replaceChildren(el('p', {className: 'empty'}, 'deploy.status: ' + st.error + ': ' + (st.message || '')));
      return;
    }
    const rows = ['a', 'b'].map((k) => {
      const sl = (st.slots || {})[k] || {};
      return el('tr', {className: st.active === k ? 'active' : '', dataset: {slot: k}},
        el('td', null, k + (st.active === k ? ' (active)' : '') + (st.previous === k ? ' (previous)' : '')),
        el('td', null, sl.status || 'empty'), el('td', null, sl.bundle || ''), el('td', null, sl.version || ''),
        el('td', null, String(sl.sha256 || '').slice(0, 12)), el('td', null, sl.signature || ''));
    });
    const parts = [
      el('p', null, 'Running ', el('b', null, (st.firmware_name || '?') + ' ' + (st.firmware_version || '')),
        ' from ', el('b', null, st.active || '?'), st.dev_mode ? ' · dev mode (unsigned bundles allowed)' : '',
        st.busy ? ' · busy' : '', st.pending ? ' · pending: ' + JSON.stringify(st.pending) : ''),
      el('table', {className: 'slots'},
        el('thead', null, el('tr', null, ...['Slot', 'Status', 'Bundle', 'Version', 'SHA-256', 'Signature']
          .map((h) => el('th', null, h)))),
        el('tbody', null, ...rows)),
    ];
    for (const f of st.failed || []) {
      parts.push(el('p', {className: 'failed-mark'}, 'Refused from now on: ' + (f.bundle || '?') + ' ' + (f.version || '') +
        ' (' + String(f.sha256 || '').slice(0, 12) + '): ' + (f.reason || '') + (f.detail ? ': ' + f.detail : '')));
    }
    box.replaceChildren(...parts);
    document.getElementById('deploy-history').replaceChildren(...[...(st.history || [])].reverse().map((h) =>
      el('tr', {className: 'o-' + h.outcome},
        el('td', null, h.ts ? new Date(h.ts).toLocaleString() : ''), el('td', null, h.outcome || ''),
        el('td', null, h.slot || ''), el('td', null, h.bundle || ''), el('td', null, h.version || ''),
        el('td', {className: 'reason'}, h.reason || ''))));
  }

  function render(b) {
    last = b;
    info(b);
    deployCurrent(b);
    deploySlots(b.deploy_status);
    if (b.version === lastVersion) return;
    lastVersion = b.version;
    drawCharts(b.history);
    threads(b.threads);
    pins(b.telemetry, b.board_type);
    events(b.events);
    log(b.log);
  }

  stream('/events?board=' + encodeURIComponent(id), {
    board: (d) => {
      if (d.board) {
        render(d.board);
      } else {
        document.getElementById('board-status').textContent = 'unknown';
        document.getElementById('info').replaceChildren(
          el('p', {className: 'empty'}, 'No board "' + id + '" has been heard of in this fleet (yet).'));
      }
    },
  });
  setInterval(() => { if (last) info(last); }, 1000);
})();
