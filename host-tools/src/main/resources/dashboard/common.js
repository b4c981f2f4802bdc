// Shared by the fleet and board pages. Everything that comes from boards is put into the page
// with textContent or setAttribute on safe attributes, never as HTML.
'use strict';

const Spindle = (() => {
  let clockOffset = 0; // server clock minus browser clock, ms

  /** A new element: el('td', {className: 'x'}, 'text', child, …). Strings become text nodes. */
  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        if (k === 'dataset') {
          Object.assign(e.dataset, v);
        } else if (k === 'title' || k === 'className' || k === 'href' || k === 'type' || k === 'id') {
          e[k] = v;
        } else {
          e.setAttribute(k, v);
        }
      }
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function now() {
    return Date.now() + clockOffset;
  }

  function syncClock(serverNow) {
    if (typeof serverNow === 'number') clockOffset = serverNow - Date.now();
  }

  function ago(ms) {
    if (!ms) return 'never';
    const s = Math.max(0, Math.round((now() - ms) / 1000));
    if (s < 120) return s + 's ago';
    if (s < 7200) return Math.floor(s / 60) + 'm ago';
    if (s < 172800) return Math.floor(s / 3600) + 'h ago';
    return Math.floor(s / 86400) + 'd ago';
  }

  function duration(ms) {
    if (ms === null || ms === undefined) return '';
    if (ms < 1000) return ms + ' ms';
    const s = ms / 1000;
    if (s < 120) return s.toFixed(1) + ' s';
    if (s < 7200) return Math.floor(s / 60) + ' min';
    return Math.floor(s / 3600) + ' h';
  }

  const SVG = 'http://www.w3.org/2000/svg';

  /** A small SVG line of numbers (nulls leave gaps); only numbers reach the SVG. */
  function sparkline(values, max, cls) {
    const w = 90, h = 22;
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('width', w);
    svg.setAttribute('height', h);
    svg.setAttribute('class', 'spark ' + (cls || ''));
    const nums = (values || []).filter((v) => typeof v === 'number');
    if (nums.length === 0) {
      return svg;
    }
    const hi = max || Math.max(1, ...nums);
    const lo = max ? 0 : Math.min(...nums);
    const span = Math.max(hi - lo, 1e-9);
    const n = values.length;
    let pts = [];
    const flush = () => {
      if (pts.length > 0) {
        const pl = document.createElementNS(SVG, 'polyline');
        pl.setAttribute('points', pts.join(' '));
        svg.append(pl);
        pts = [];
      }
    };
    values.forEach((v, i) => {
      if (typeof v !== 'number') { flush(); return; }
      const x = n === 1 ? w - 1 : (i * (w - 2)) / (n - 1) + 1;
      const y = h - 2 - ((Math.min(v, hi) - lo) / span) * (h - 4);
      pts.push(x.toFixed(1) + ',' + y.toFixed(1));
    });
    flush();
    const last = nums[nums.length - 1];
    svg.append(Object.assign(document.createElementNS(SVG, 'title'), {textContent: String(last)}));
    return svg;
  }

  /**
   * Opens the SSE stream and keeps the "broker disconnected" / "dashboard unreachable" banner
   * right. EventSource reconnects by itself (the server asks for 1 s).
   */
  function stream(url, handlers) {
    const status = document.getElementById('broker-status');
    const banner = document.getElementById('banner');
    let broker = null;
    let serverUp = false;
    const show = () => {
      let text = '';
      if (!serverUp) {
        status.textContent = 'dashboard unreachable';
        status.className = 'pill pill-bad';
        text = 'The dashboard server cannot be reached; reconnecting…';
      } else if (broker && broker.connected) {
        status.textContent = 'broker connected';
        status.className = 'pill pill-ok';
        status.title = broker.broker;
      } else {
        status.textContent = 'broker disconnected';
        status.className = 'pill pill-bad';
        text = 'Broker disconnected' + (broker ? ' (' + broker.broker + ')' : '') +
          ': reconnecting. What is shown is the last known state.';
      }
      banner.textContent = text;
      banner.hidden = text === '';
      document.body.classList.toggle('disconnected', text !== '');
    };
    const es = new EventSource(url);
    es.addEventListener('open', () => { serverUp = true; show(); });
    es.addEventListener('error', () => { serverUp = false; show(); });
    es.addEventListener('broker', (e) => {
      broker = JSON.parse(e.data);
      syncClock(broker.now);
      serverUp = true;
      show();
      if (handlers.broker) handlers.broker(broker);
    });
    es.addEventListener('ping', (e) => { syncClock(JSON.parse(e.data).now); });
    for (const [name, fn] of Object.entries(handlers)) {
      if (name === 'broker') continue;
      es.addEventListener(name, (e) => {
        const d = JSON.parse(e.data);
        syncClock(d.now);
        fn(d);
      });
    }
    return es;
  }

  function problem(b) {
    return b.status !== 'online' || (b.health && b.health !== 'ok' && b.health !== 'no_app') ||
      b.deadlocks > 0;
  }

  return {el, ago, duration, sparkline, stream, now, problem};
})();
