// The timeline page's own script (inlined into every page; plain browser JavaScript, no libraries).
// The server drew the static SVG (lanes, state spans, regions, axis) for the whole run; this script
// re-places it when zooming and draws the busy parts (message arrows, marks, client operations,
// the cursor) on a canvas, for the visible window only, so 100,000 events stay interactive.
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('data').textContent);
  var S = D.str;
  var L = D.layout;
  var M = D.msgs;
  var K = D.marks;
  var view = document.getElementById('view');
  var svg = document.getElementById('main');
  var canvas = document.getElementById('canvas');
  var ctx = canvas.getContext('2d');
  var descEl = document.getElementById('desc');
  var statusEl = document.getElementById('status');
  var fromEl = document.getElementById('from');
  var toEl = document.getElementById('to');
  var ovSvg = document.getElementById('overview');
  var ovWin = document.getElementById('ov-win');

  var MIN_WIDTH = 50; // µs: the narrowest zoom
  var ARROW_LIMIT = 4000; // more visible messages than this are drawn as density bars
  var LABEL_LIMIT = 2500; // more visible marks than this are drawn without labels
  var W = 800;
  var win = [D.t0, D.t1];
  var cursor = -1; // index into steps, -1 = none yet
  var steps = new Int32Array(0); // >= 0: message index; < 0: ~mark index
  var enabled = {};
  var groupOf = function (name) { return D.groups.indexOf(name); };
  var G_STATE = groupOf('state');
  var G_FAULT = groupOf('fault');
  var G_BROADCAST = groupOf('broadcast');
  var G_PING = groupOf('ping');
  var KIND = {};
  D.kinds.forEach(function (k, i) { KIND[k] = i; });
  var NOTABLE = {};
  ['state', 'vote', 'election', 'decided', 'established', 'epoch', 'sync', 'invoke', 'return', 'session', 'crash',
    'restart', 'boot', 'pause', 'resume', 'skew', 'partition', 'heal', 'clog'].forEach(function (k) { NOTABLE[KIND[k]] = true; });
  var highlighted = {}; // record index -> true (records named by the selected violation)

  // ---- helpers -------------------------------------------------------------------------------
  function lowerBound(arr, v) {
    var lo = 0, hi = arr.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (arr[mid] < v) lo = mid + 1; else hi = mid; }
    return lo;
  }
  function X(t) { return ((t - win[0]) / (win[1] - win[0])) * W; }
  function T(x) { return win[0] + (x / W) * (win[1] - win[0]); }
  function secs(us, digits) { return (us / 1e6).toFixed(digits === undefined ? 3 : digits) + 's'; }
  function stepTime(s) { return s >= 0 ? M.t[s] : K.t[~s]; }
  function stepGroup(s) { return s >= 0 ? D.typeGroup[M.y[s]] : K.g[~s]; }
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; }); }

  // ---- steps (what next/previous walk through) -------------------------------------------------
  function stepAllowed(s, notableOnly) {
    if (s >= 0) return !notableOnly && enabled[D.typeGroup[M.y[s]]];
    var k = ~s;
    var g = K.g[k];
    if (!(g === G_STATE || g === G_FAULT || enabled[g])) return false;
    return !notableOnly || NOTABLE[K.k[k]] === true;
  }
  function rebuildSteps() {
    var keepT = cursor >= 0 ? stepTime(steps[cursor]) : null;
    var notableOnly = document.getElementById('stepmode').value === 'notable';
    var out = new Int32Array(M.t.length + K.t.length);
    var n = 0, a = 0, b = 0;
    while (a < M.t.length || b < K.t.length) {
      var takeMsg = b >= K.t.length || (a < M.t.length && (M.t[a] < K.t[b] || (M.t[a] === K.t[b] && M.i[a] < K.i[b])));
      var s = takeMsg ? a++ : ~(b++);
      if (stepAllowed(s, notableOnly)) out[n++] = s;
    }
    steps = out.subarray(0, n);
    if (keepT !== null) {
      var i = 0;
      while (i < steps.length - 1 && stepTime(steps[i]) < keepT) i++;
      cursor = steps.length ? i : -1;
    }
  }

  // ---- layout of the server-drawn SVG --------------------------------------------------------
  var timed = [];
  Array.prototype.forEach.call(svg.querySelectorAll('#plot [data-t0]'), function (el) {
    var isText = el.tagName.toLowerCase() === 'text';
    // Span labels must fit their span; region labels may run on to the right.
    timed.push({ el: el, t0: +el.getAttribute('data-t0'), t1: +el.getAttribute('data-t1'), text: isText, fit: isText && el.getAttribute('class').indexOf('span-label') >= 0 });
  });
  var vmarks = Array.prototype.slice.call(svg.querySelectorAll('.vmark'));
  var axisG = svg.querySelector('#axis');

  function niceStep(span, count) {
    var raw = span / Math.max(1, count);
    var p = Math.pow(10, Math.floor(Math.log10(raw)));
    var f = raw / p;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
  }
  function drawAxis() {
    while (axisG.firstChild) axisG.removeChild(axisG.firstChild);
    var step = niceStep(win[1] - win[0], W / 120);
    var digits = Math.max(0, Math.min(6, -Math.floor(Math.log10(step / 1e6))));
    var ns = 'http://www.w3.org/2000/svg';
    for (var t = Math.ceil(win[0] / step) * step; t <= win[1]; t += step) {
      var x = X(t);
      if (x > W - 24) break;
      var line = document.createElementNS(ns, 'line');
      line.setAttribute('class', 'tick');
      line.setAttribute('x1', x); line.setAttribute('x2', x);
      line.setAttribute('y1', 18); line.setAttribute('y2', L.height - 8);
      axisG.appendChild(line);
      var label = document.createElementNS(ns, 'text');
      label.setAttribute('class', 'tick-label');
      label.setAttribute('x', x); label.setAttribute('y', 12);
      label.textContent = secs(t, digits);
      axisG.appendChild(label);
    }
  }
  function placeSvg() {
    for (var i = 0; i < timed.length; i++) {
      var o = timed[i];
      var x0 = X(o.t0), x1 = X(o.t1);
      var visible = x1 >= 0 && x0 <= W;
      if (!visible) { o.el.setAttribute('visibility', 'hidden'); continue; }
      var a = Math.max(-2, x0), b = Math.min(W + 2, x1);
      if (o.text) {
        var room = b - a - 8;
        var need = o.el.textContent.length * 6.6;
        var lx = a + 5;
        if (!o.fit && lx + need > W) lx = Math.max(0, W - need - 4); // keep run-on labels on screen
        o.el.setAttribute('x', lx);
        o.el.setAttribute('visibility', !o.fit || room >= need ? 'visible' : 'hidden');
      } else {
        o.el.setAttribute('x', a);
        o.el.setAttribute('width', Math.max(0.5, b - a));
        o.el.setAttribute('visibility', 'visible');
      }
    }
    vmarks.forEach(function (el) {
      var x = X(+el.getAttribute('data-t'));
      el.setAttribute('x1', x); el.setAttribute('x2', x);
      el.setAttribute('visibility', x >= 0 && x <= W ? 'visible' : 'hidden');
    });
    drawAxis();
  }

  // ---- canvas drawing ------------------------------------------------------------------------
  function laneLine(l) { var g = L.lanes[l]; return g ? g.line : 0; }
  function colourOfGroup(g) { return D.groupColours[D.groups[g]] || '#666'; }

  function drawArrow(k, emphasis) {
    var a = M.a[k], b = M.b[k];
    var x0 = X(M.s[k]), y0 = laneLine(a), x1 = X(M.t[k]), y1 = laneLine(b);
    var dropped = M.f[k] === 1;
    var red = highlighted[M.i[k]];
    ctx.strokeStyle = red ? '#d00000' : colourOfGroup(D.typeGroup[M.y[k]]);
    ctx.fillStyle = ctx.strokeStyle;
    ctx.lineWidth = emphasis ? 3.2 : red ? 2.4 : 1.25;
    if (dropped && x1 - x0 < 2) {
      // Refused at once (cut link): a short stub toward the receiver ending in a cross.
      x1 = x0 + 8;
      y1 = y0 + (y1 - y0) * 0.35;
    }
    ctx.setLineDash(dropped ? [4, 3] : M.f[k] === 2 ? [1, 2] : []);
    ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1); ctx.stroke();
    ctx.setLineDash([]);
    if (dropped) {
      ctx.strokeStyle = '#d00000'; ctx.lineWidth = 2;
      ctx.beginPath(); ctx.moveTo(x1 - 4, y1 - 4); ctx.lineTo(x1 + 4, y1 + 4); ctx.moveTo(x1 + 4, y1 - 4); ctx.lineTo(x1 - 4, y1 + 4); ctx.stroke();
    } else {
      var len = Math.hypot(x1 - x0, y1 - y0);
      if (len > 10) {
        var ux = (x1 - x0) / len, uy = (y1 - y0) / len, h = emphasis ? 10 : 7;
        ctx.beginPath();
        ctx.moveTo(x1, y1);
        ctx.lineTo(x1 - ux * h - uy * h * 0.45, y1 - uy * h + ux * h * 0.45);
        ctx.lineTo(x1 - ux * h + uy * h * 0.45, y1 - uy * h - ux * h * 0.45);
        ctx.closePath(); ctx.fill();
      }
    }
    if (emphasis) {
      var label = D.types[M.y[k]] + (M.z[k] >= 0 ? ' ' + S[M.z[k]] : '');
      ctx.font = 'bold 12px system-ui, sans-serif';
      var tx = (x0 + x1) / 2 + 6, ty = (y0 + y1) / 2;
      ctx.fillStyle = 'rgba(255,255,255,0.85)';
      ctx.fillRect(tx - 2, ty - 11, ctx.measureText(label).width + 4, 14);
      ctx.fillStyle = '#111'; ctx.fillText(label, tx, ty);
    }
  }

  function glyph(kind, x, y, colour, big) {
    var r = big ? 7 : 4.5;
    ctx.fillStyle = colour; ctx.strokeStyle = colour; ctx.lineWidth = 1.5;
    ctx.beginPath();
    switch (kind) {
      case 'vote':
        ctx.moveTo(x, y - r); ctx.lineTo(x + r, y); ctx.lineTo(x, y + r); ctx.lineTo(x - r, y); ctx.closePath(); ctx.fill(); break;
      case 'decided': case 'established':
        for (var i = 0; i < 10; i++) {
          var rr = i % 2 ? r * 0.45 : r * 1.25, an = -Math.PI / 2 + (i * Math.PI) / 5;
          if (i === 0) ctx.moveTo(x + rr * Math.cos(an), y + rr * Math.sin(an)); else ctx.lineTo(x + rr * Math.cos(an), y + rr * Math.sin(an));
        }
        ctx.closePath(); ctx.fill(); ctx.strokeStyle = '#333'; ctx.lineWidth = 0.8; ctx.stroke(); break;
      case 'crash':
        ctx.lineWidth = 3.5; ctx.moveTo(x - 7, y - 7); ctx.lineTo(x + 7, y + 7); ctx.moveTo(x + 7, y - 7); ctx.lineTo(x - 7, y + 7); ctx.stroke(); break;
      case 'restart': case 'boot':
        ctx.lineWidth = 2.5; ctx.arc(x, y, 6, 0.3, Math.PI * 1.75); ctx.stroke();
        ctx.beginPath(); ctx.moveTo(x + 6, y - 6); ctx.lineTo(x + 7, y + 1); ctx.lineTo(x + 1, y - 2); ctx.fill(); break;
      case 'disk':
        ctx.fillRect(x - 1, y - 3, 2, 6); break;
      case 'commit': case 'apply': case 'ack':
        ctx.lineWidth = kind === 'commit' ? 2 : 1; ctx.moveTo(x, y - (kind === 'commit' ? 7 : 4)); ctx.lineTo(x, y + (kind === 'commit' ? 7 : 4)); ctx.stroke(); break;
      case 'election':
        ctx.arc(x, y, r, 0, Math.PI * 2); ctx.stroke(); break;
      case 'epoch': case 'sync': case 'session': case 'clog': case 'pause': case 'resume': case 'skew':
        ctx.rect(x - r * 0.8, y - r * 0.8, r * 1.6, r * 1.6); ctx.fill(); break;
      default:
        ctx.arc(x, y, r * 0.7, 0, Math.PI * 2); ctx.fill();
    }
  }

  var MARK_STYLE = {
    vote: ['#e07b00', 'row'], election: ['#e07b00', 'line'], decided: ['#f2c200', 'row'], established: ['#2f9e55', 'row'],
    epoch: ['#8a4fd0', 'line'], sync: ['#8a4fd0', 'line'], propose: ['#1f6fb5', 'line'], ack: ['#9bb7d4', 'line'],
    commit: ['#1f6fb5', 'line'], apply: ['#6fa0d0', 'line'], invoke: ['#129488', 'line'], return: ['#129488', 'line'],
    session: ['#129488', 'row'], crash: ['#d00000', 'line'], restart: ['#2f9e55', 'line'], boot: ['#2f9e55', 'line'],
    pause: ['#777', 'line'], resume: ['#777', 'line'], skew: ['#b07000', 'line'], clog: ['#b07000', 'line'],
    other: ['#666', 'line'], state: [null, null], disk: ['#b9c3cf', 'line'], serving: ['#2f9e55', 'line'], partition: ['#d64541', 'all'], heal: ['#2f9e55', 'all'],
  };
  var LABELLED = { vote: 1, decided: 1, established: 1, crash: 1, restart: 1, sync: 1, session: 1, pause: 1, resume: 1, clog: 1, skew: 1, other: 1, commit: 2 };

  function markY(k, where) {
    var l = K.l[k];
    var g = L.lanes[l];
    if (!g) return 0;
    if (where === 'row') return D.lanes[l][1] === 'server' ? g.y + 30 : g.line;
    return g.line;
  }

  function draw() {
    var dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, L.height);
    ctx.save();
    ctx.beginPath(); ctx.rect(0, 0, W, L.height); ctx.clip();
    ctx.textBaseline = 'alphabetic';

    // Client operations: a bar from call to answer.
    var ops = D.ops;
    ctx.font = '11px system-ui, sans-serif';
    for (var o = 0; o < ops.length; o += 6) {
      if (!enabled[groupOf('client')]) break;
      var t1 = ops[o + 2] < 0 ? D.t1 : ops[o + 2];
      if (t1 < win[0] || ops[o + 1] > win[1]) continue;
      var ox0 = X(ops[o + 1]), ox1 = Math.max(X(t1), ox0 + 2), oy = laneLine(ops[o]);
      var ok = ops[o + 4];
      ctx.fillStyle = ok === 1 ? '#d3f0dc' : ok === 0 ? '#f9d4cf' : '#eeeeee';
      ctx.strokeStyle = ok === 1 ? '#2f9e55' : ok === 0 ? '#d64541' : '#999';
      ctx.lineWidth = 1;
      ctx.setLineDash(ok === -1 ? [3, 2] : []);
      ctx.fillRect(ox0, oy - 9, ox1 - ox0, 18); ctx.strokeRect(ox0, oy - 9, ox1 - ox0, 18);
      ctx.setLineDash([]);
      var text = S[ops[o + 3]] + (ok === 0 ? ' ✗' : ok === 1 ? ' ✓' : ' …');
      var tw = ctx.measureText(text).width;
      if (ox1 - ox0 > tw + 6) { ctx.fillStyle = '#222'; ctx.fillText(text, Math.max(ox0, 0) + 3, oy + 4); }
      else if (ox1 - ox0 <= tw + 6 && (o / 6) % 1 === 0) { ctx.fillStyle = '#222'; ctx.fillText(text, ox1 + 3, oy - 11); }
    }

    // The selected election, framed.
    if (selEl >= 0) {
      var fe = EP.elections[selEl];
      var fx0 = X(fe.t0), fx1 = X(fe.t1);
      if (fx1 >= 0 && fx0 <= W) {
        ctx.fillStyle = 'rgba(244,182,63,0.10)'; ctx.fillRect(fx0, 40, Math.max(2, fx1 - fx0), L.height - 48);
        ctx.strokeStyle = 'rgba(224,123,0,0.7)'; ctx.lineWidth = 1; ctx.strokeRect(fx0, 40, Math.max(2, fx1 - fx0), L.height - 48);
        ctx.fillStyle = '#a05a00'; ctx.font = 'bold 12px system-ui, sans-serif';
        ctx.fillText('election ' + fe.n + ': ' + fe.title, Math.max(2, fx0 + 4), 52);
      }
    }
    // The selected write: a green line at its quorum moment.
    if (selWrite >= 0 && EP.writes[selWrite].commit >= 0) {
      var qx = X(EP.writes[selWrite].commit);
      ctx.strokeStyle = '#2f9e55'; ctx.lineWidth = 2; ctx.setLineDash([2, 3]);
      ctx.beginPath(); ctx.moveTo(qx, 40); ctx.lineTo(qx, L.height - 8); ctx.stroke(); ctx.setLineDash([]);
      ctx.fillStyle = '#1f7a3e'; ctx.font = 'bold 11px system-ui, sans-serif';
      ctx.fillText('quorum: ' + EP.writes[selWrite].z + ' committed', qx + 4, 52);
    }

    // Messages in the window.
    var first = lowerBound(M.t, win[0]);
    var last = lowerBound(M.t, win[1] + D.maxLatency + 1);
    var visible = [];
    for (var k = first; k < last; k++) {
      if (M.s[k] > win[1] || !enabled[D.typeGroup[M.y[k]]]) continue;
      visible.push(k);
    }
    var cur = cursor >= 0 ? steps[cursor] : null;
    var note = document.getElementById('density-note');
    if (visible.length > ARROW_LIMIT) {
      // Too many to read as arrows: per lane, how many messages arrive in each 3-pixel column.
      var cols = Math.ceil(W / 3) + 1;
      var counts = {};
      var max = 1;
      visible.forEach(function (k) {
        var c = Math.floor(X(M.t[k]) / 3);
        var key = M.b[k] * cols + c;
        counts[key] = (counts[key] || 0) + 1;
        if (counts[key] > max) max = counts[key];
      });
      ctx.fillStyle = 'rgba(31,111,181,0.55)';
      Object.keys(counts).forEach(function (key) {
        var lane = Math.floor(key / cols), c = key % cols;
        var h = 3 + 12 * Math.sqrt(counts[key] / max);
        ctx.fillRect(c * 3, laneLine(lane) - h, 2.5, h);
      });
      note.textContent = visible.length.toLocaleString() + ' messages in view, drawn as density: zoom in (wheel, drag on the overview) to see each arrow';
    } else {
      var selZ = selWrite >= 0 ? EP.writes[selWrite].z : null;
      var zLabels = visible.length <= 160;
      visible.forEach(function (k) {
        if (k === cur) return;
        var mine = selZ !== null && M.z[k] >= 0 && S[M.z[k]] === selZ;
        drawArrow(k, mine);
        if (!mine && zLabels && M.z[k] >= 0) {
          ctx.font = '10px ui-monospace, monospace'; ctx.fillStyle = '#1f4f80';
          ctx.fillText(D.types[M.y[k]] + ' ' + S[M.z[k]], (X(M.s[k]) + X(M.t[k])) / 2 + 4, (laneLine(M.a[k]) + laneLine(M.b[k])) / 2 - 3);
        }
      });
      note.textContent = visible.length ? visible.length.toLocaleString() + ' messages in view' : '';
    }

    // Marks.
    var m0 = lowerBound(K.t, win[0]);
    var m1 = lowerBound(K.t, win[1] + 1);
    var labels = m1 - m0 <= LABEL_LIMIT;
    var lastLabelEnd = {};
    var lastPx = {};
    ctx.font = '11px system-ui, sans-serif';
    for (var j = m0; j < m1; j++) {
      var g = K.g[j];
      if (!(g === G_STATE || g === G_FAULT || enabled[g])) continue;
      var kind = D.kinds[K.k[j]];
      var st = MARK_STYLE[kind] || MARK_STYLE.other;
      if (!st[0]) continue;
      var x = X(K.t[j]);
      if (st[1] === 'all') {
        ctx.strokeStyle = st[0]; ctx.lineWidth = 2; ctx.setLineDash([6, 4]);
        ctx.beginPath(); ctx.moveTo(x, L.top - 20); ctx.lineTo(x, L.height - 8); ctx.stroke(); ctx.setLineDash([]);
        continue;
      }
      var y = markY(j, st[1]);
      var red = highlighted[K.i[j]];
      // Dense: one glyph per pixel column per lane and kind is all the eye can see.
      var px = K.l[j] * 64 + K.k[j];
      if (!labels && !red && lastPx[px] !== undefined && x - lastPx[px] < 1) continue;
      lastPx[px] = x;
      glyph(kind, x, y, red ? '#d00000' : st[0], kind === 'established' || kind === 'decided');
      if (labels && LABELLED[kind] && (LABELLED[kind] === 1 || m1 - m0 < 400)) {
        var lab = S[K.b[j]];
        if (kind === 'vote' && selEl >= 0 && K.t[j] >= EP.elections[selEl].t0 && K.t[j] <= EP.elections[selEl].t1 && K.v[j] >= 0) {
          // Inside the selected election a vote reads as the triple FLE compares: (epoch,zxid,myid).
          var mt = /\(epoch (\d+), zxid (0x[0-9a-f]+), myid (\d+)\)/.exec(S[K.v[j]]);
          if (mt) lab = '(' + mt[1] + ',' + mt[2] + ',' + mt[3] + ')';
        }
        var key = K.l[j] + ':' + st[1];
        var lx = x + 8;
        if (lastLabelEnd[key] === undefined || lx > lastLabelEnd[key]) {
          var bold = kind === 'established' || kind === 'decided' || kind === 'crash';
          ctx.font = (bold ? 'bold ' : '') + '11px system-ui, sans-serif';
          ctx.fillStyle = red ? '#d00000' : kind === 'crash' ? '#b00000' : '#333';
          ctx.fillText(lab, lx, y + 4);
          lastLabelEnd[key] = lx + ctx.measureText(lab).width + 4;
          ctx.font = '11px system-ui, sans-serif';
        }
      }
    }

    // The cursor and the event it is on.
    if (cur !== null) {
      var ct = stepTime(cur);
      var cx = X(ct);
      ctx.strokeStyle = '#1e64c8'; ctx.lineWidth = 2;
      ctx.beginPath(); ctx.moveTo(cx, 18); ctx.lineTo(cx, L.height - 8); ctx.stroke();
      if (cur >= 0) drawArrow(cur, true);
      else {
        var mk = ~cur;
        var kd = D.kinds[K.k[mk]];
        var sty = MARK_STYLE[kd] || MARK_STYLE.other;
        var my = K.l[mk] < 0 ? L.top - 12 : markY(mk, sty[1] === 'row' ? 'row' : 'line');
        if (kd === 'state' && K.l[mk] >= 0) my = L.lanes[K.l[mk]].bar + 9;
        ctx.strokeStyle = '#1e64c8'; ctx.lineWidth = 2.5;
        ctx.beginPath(); ctx.arc(cx, my, 11, 0, Math.PI * 2); ctx.stroke();
      }
    }
    ctx.restore();
  }

  // ---- the inspector: each server's state before and after the selected event ----------------
  var EP = D.ep || { elections: [], writes: [], insp: { fields: [], init: [], str: [], i: [], l: [], f: [], b: [], a: [], t: [] } };
  var IN = EP.insp;
  var CK = 512; // a checkpoint every CK changes keeps a lookup short on long traces
  var checkpoints = [];
  function emptyState() { return D.lanes.map(function () { return IN.init.slice(); }); }
  function copyState(st) { return st.map(function (r) { return r.slice(); }); }
  (function () {
    var st = emptyState();
    for (var c = 0; c < IN.i.length; c++) {
      if (c % CK === 0) checkpoints.push(copyState(st));
      st[IN.l[c]][IN.f[c]] = IN.str[IN.a[c]];
    }
    checkpoints.push(copyState(st));
  })();
  /** The state after the first n changes. */
  function stateAfter(n) {
    var k = Math.floor(n / CK);
    var st = copyState(checkpoints[Math.min(k, checkpoints.length - 1)]);
    for (var c = k * CK; c < n && c < IN.i.length; c++) st[IN.l[c]][IN.f[c]] = IN.str[IN.a[c]];
    return st;
  }
  function upperBound(arr, v) {
    var lo = 0, hi = arr.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (arr[mid] <= v) lo = mid + 1; else hi = mid; }
    return lo;
  }
  function stepRecord(s) { return s >= 0 ? M.i[s] : K.i[~s]; }
  function renderStatus(t) {
    var lo, hi, head;
    if (cursor >= 0 && steps.length) {
      var r = stepRecord(steps[cursor]);
      lo = lowerBound(IN.i, r); hi = upperBound(IN.i, r);
      head = 'after this event';
    } else {
      lo = hi = upperBound(IN.t, t);
      head = 'at ' + secs(t);
    }
    var st = stateAfter(hi);
    var changed = {};
    for (var c = lo; c < hi; c++) changed[IN.l[c] + ':' + IN.f[c]] = IN.str[IN.b[c]];
    var rows = ['<tr><th>server (' + head + ')</th>' + IN.fields.map(function (f) { return '<th>' + esc(f) + '</th>'; }).join('') + '</tr>'];
    var nChanged = hi - lo;
    D.lanes.forEach(function (lane, l) {
      if (lane[1] !== 'server') return;
      var cells = IN.fields.map(function (f, fi) {
        var key = l + ':' + fi;
        var role = fi === 0 ? '<span class="chip st-' + esc(st[l][fi]) + '"></span>' : '';
        if (changed[key] !== undefined) return '<td class="changed" data-field="' + esc(f) + '">' + role + '<span class="was">' + esc(changed[key]) + '</span>' + esc(st[l][fi]) + '</td>';
        return '<td data-field="' + esc(f) + '">' + role + esc(st[l][fi]) + '</td>';
      });
      rows.push('<tr data-lane="' + esc(lane[0]) + '"><td><b>' + esc(lane[0]) + '</b></td>' + cells.join('') + '</tr>');
    });
    statusEl.innerHTML = '<table>' + rows.join('') + '</table>' +
      (cursor >= 0 ? '<div class="meta">' + (nChanged ? nChanged + ' cell' + (nChanged > 1 ? 's' : '') + ' changed by this event' : 'this event changed no server state') + '</div>' : '');
    statusEl.setAttribute('data-changed', String(nChanged));
    renderWrite();
  }

  // ---- elections: ballots, framed on selection -------------------------------------------------
  var selEl = -1;
  var ballotEl = document.getElementById('ballot');
  function renderBallot() {
    if (!ballotEl) return;
    if (selEl < 0) { ballotEl.innerHTML = EP.elections.length ? '<h2>Elections: pick one (buttons above the timeline) to see its ballot</h2>' : ''; return; }
    var e = EP.elections[selEl];
    var rows = ['<tr><th>server</th><th>started proposing itself</th><th>switched to (why)</th><th>decided</th><th>against the winner</th></tr>'];
    e.rows.forEach(function (r) {
      rows.push('<tr class="' + (r.verdict === 'winner' ? 'winner' : '') + '" data-node="' + esc(r.node) + '"><td><b>' + esc(r.node) + '</b></td><td class="triple">' + esc(r.own) +
        '</td><td>' + (r.steps.length ? r.steps.map(function (x) { return '<div><span class="when">t=' + secs(x[0]) + '</span> <span class="triple">' + esc(x[1]) + '</span></div>'; }).join('') : '–') +
        '</td><td>' + esc(r.decided) + '</td><td class="beaten">' + esc(r.verdict) + '</td></tr>');
    });
    ballotEl.innerHTML = '<h2>Ballot of election ' + e.n + ' (t=' + secs(e.t0) + ' – ' + secs(e.t1) + '): FLE compares (epoch, zxid, myid), in that order</h2>' +
      '<div class="why">' + esc(e.why) + '</div><div class="meta">' + esc(e.moves) + '</div><table>' + rows.join('') + '</table>';
    ballotEl.setAttribute('data-election', String(selEl));
  }
  function selectElection(k) {
    var e = EP.elections[k];
    if (!e) return;
    selEl = k;
    Array.prototype.forEach.call(document.querySelectorAll('#elections button.election'), function (b) {
      b.classList.toggle('on', +b.getAttribute('data-e') === k);
    });
    var pad = Math.max((e.t1 - e.t0) * 0.12, 2000);
    setWindow(e.t0 - pad, e.t1 + pad);
    var i = 0;
    while (i < steps.length - 1 && stepTime(steps[i]) < e.t0) i++;
    renderBallot();
    if (steps.length) setCursor(i);
  }
  Array.prototype.forEach.call(document.querySelectorAll('#elections button.election'), function (b) {
    b.addEventListener('click', function () { b.blur(); selectElection(+b.getAttribute('data-e')); });
  });

  // ---- a write's life: proposal, acks, quorum, commits, the client's answer ---------------------
  var writeEl = document.getElementById('write');
  var writeByZ = {};
  EP.writes.forEach(function (w, k) { writeByZ[w.z] = k; });
  var selWrite = -1;
  function stepZxid(s) { var z = s >= 0 ? M.z[s] : K.z[~s]; return z >= 0 ? S[z] : null; }
  function laneName(l) { return D.lanes[l] ? D.lanes[l][0] : '?'; }
  function writeText(w) {
    var applied = w.rows.filter(function (r) { return r[2] >= 0; }).sort(function (a, b) { return a[2] - b[2]; }).map(function (r) { return laneName(r[0]); });
    return w.z + (w.what ? ' (' + w.what + ')' : '') + ': proposed by ' + laneName(w.leader) + ' at t=' + secs(w.t0) +
      ', acked by ' + (w.acks.length ? w.acks.map(laneName).join(' ') : 'nobody') + ', ' +
      (w.commit >= 0 ? 'committed at t=' + secs(w.commit) : 'never committed') + ', applied on ' + (applied.length ? applied.join(' ') : 'no server') +
      (w.reply ? ', answered to ' + laneName(w.reply[0]) + ' at t=' + secs(w.reply[1]) : '');
  }
  function renderWrite() {
    if (!writeEl) return;
    var z = cursor >= 0 && steps.length ? stepZxid(steps[cursor]) : null;
    var k = z !== null && writeByZ[z] !== undefined ? writeByZ[z] : -1;
    selWrite = k;
    if (k < 0) { writeEl.innerHTML = EP.writes.length ? '<h2>A write: select a proposal, ack, commit or a client\'s answer to follow its txn</h2>' : ''; writeEl.removeAttribute('data-zxid'); return; }
    var w = EP.writes[k];
    var rows = ['<tr><th>server</th><th>acked at</th><th>applied (committed) at</th></tr>'];
    w.rows.forEach(function (r) {
      rows.push('<tr><td><b>' + esc(D.lanes[r[0]][0]) + (r[0] === w.leader ? ' (leader)' : '') + '</b></td><td>' + (r[1] >= 0 ? 't=' + secs(r[1], 6) : '–') + '</td><td>' + (r[2] >= 0 ? 't=' + secs(r[2], 6) : '–') + '</td></tr>');
    });
    writeEl.innerHTML = '<h2>Write <span class="z">' + esc(w.z) + '</span>: ' + (w.commit >= 0 ? 'the quorum of acks at t=' + secs(w.commit, 6) + ' commits it' : 'no quorum of acks: never committed') +
      ' <button id="frame-write">frame this write</button></h2>' +
      '<div class="text">' + esc(writeText(w)) + '</div><table>' + rows.join('') + '</table>';
    writeEl.setAttribute('data-zxid', w.z);
    document.getElementById('frame-write').addEventListener('click', function () {
      var pad = Math.max((w.t1 - w.t0) * 0.15, 200);
      setWindow(w.t0 - pad, w.t1 + pad);
    });
  }

  function describeStep(s) {
    if (s >= 0) {
      var lat = M.t[s] - M.s[s];
      var f = S[M.d[s]];
      var how = M.f[s] === 0 ? 'delivered' : M.f[s] === 2 ? 'delivered again (duplicate)' : 'dropped' + (M.r[s] >= 0 ? ' (' + S[M.r[s]] + ')' : '');
      return D.lanes[M.a[s]][0] + ' → ' + D.lanes[M.b[s]][0] + ' ' + D.types[M.y[s]] + (f ? ' {' + f + '}' : '') + ' ' + how +
        (M.f[s] !== 1 || lat > 0 ? '  (sent ' + secs(M.s[s]) + ', ' + (lat / 1000).toFixed(2) + ' ms in flight)' : '');
    }
    return S[K.d[~s]];
  }
  function renderDesc() {
    if (cursor < 0 || !steps.length) {
      descEl.innerHTML = '<b>Step through the run:</b> press <kbd>→</kbd> / <kbd>←</kbd> (or the buttons) to move event by event; ' +
        'wheel or drag to zoom and pan; drag on the overview to pick a range.';
      descEl.setAttribute('data-step', '-1');
      return;
    }
    var s = steps[cursor];
    var g = D.groups[stepGroup(s)];
    descEl.innerHTML = '<span class="when">t=' + secs(stepTime(s), 6) + '</span> <span class="grp" style="background:' +
      (D.groupColours[g] || '#666') + '">' + esc(g) + '</span> ' + esc(describeStep(s)) +
      ' <span class="count">event ' + (cursor + 1).toLocaleString() + ' of ' + steps.length.toLocaleString() + '</span>';
    descEl.setAttribute('data-step', String(cursor));
  }
  function syncInputs() {
    fromEl.value = (win[0] / 1e6).toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
    toEl.value = (win[1] / 1e6).toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
    var span = D.t1 - D.t0;
    var b = 1000 / span;
    ovWin.setAttribute('x', (win[0] - D.t0) * b);
    ovWin.setAttribute('width', Math.max(2, (win[1] - win[0]) * b));
  }
  function redraw() {
    placeSvg();
    // The panels first: they pick the selected write, which the canvas then draws bold.
    renderStatus(cursor >= 0 ? stepTime(steps[cursor]) : win[1]);
    draw();
    syncInputs();
  }
  function setWindow(a, b) {
    var full = D.t1 - D.t0;
    var w = Math.min(full, Math.max(MIN_WIDTH, b - a));
    a = Math.max(D.t0, Math.min(a, D.t1 - w));
    win = [a, a + w];
    redraw();
  }
  function setCursor(i) {
    if (!steps.length) return;
    cursor = Math.max(0, Math.min(steps.length - 1, i));
    var t = stepTime(steps[cursor]);
    var s = steps[cursor];
    var w = win[1] - win[0];
    var t0 = s >= 0 ? M.s[s] : t;
    if (t < win[0] || t > win[1] || t0 < win[0] - w) setWindow(t - w * 0.3, t + w * 0.7);
    renderDesc();
    redraw();
  }

  // ---- controls -------------------------------------------------------------------------------
  Array.prototype.forEach.call(document.querySelectorAll('input.filter'), function (el) {
    enabled[groupOf(el.value)] = el.checked;
    el.addEventListener('change', function () {
      el.blur();
      enabled[groupOf(el.value)] = el.checked;
      rebuildSteps(); renderDesc(); redraw();
    });
  });
  // Controls give the keyboard back at once, so the arrow keys keep stepping (not changing the select).
  document.getElementById('stepmode').addEventListener('change', function (e) { e.target.blur(); rebuildSteps(); renderDesc(); redraw(); });
  // Without a cursor yet, stepping starts from the window the reader is looking at.
  function firstInWindow() {
    var i = 0;
    while (i < steps.length - 1 && stepTime(steps[i]) < win[0]) i++;
    return i;
  }
  function lastInWindow() {
    var i = steps.length - 1;
    while (i > 0 && stepTime(steps[i]) > win[1]) i--;
    return i;
  }
  // A cursor the reader has zoomed or panned away from is left behind: stepping resumes in view.
  function cursorInView() {
    if (cursor < 0 || cursor >= steps.length) return false;
    var t = stepTime(steps[cursor]);
    return t >= win[0] && t <= win[1];
  }
  function next() { setCursor(cursorInView() ? cursor + 1 : firstInWindow()); }
  function prev() { setCursor(cursorInView() ? cursor - 1 : lastInWindow()); }
  document.getElementById('next').addEventListener('click', next);
  document.getElementById('prev').addEventListener('click', prev);
  document.getElementById('fit').addEventListener('click', function () { setWindow(D.t0, D.t1); });
  function zoom(f, at) {
    var c = at === undefined ? (cursor >= 0 && stepTime(steps[cursor]) >= win[0] && stepTime(steps[cursor]) <= win[1] ? stepTime(steps[cursor]) : (win[0] + win[1]) / 2) : at;
    setWindow(c - (c - win[0]) * f, c + (win[1] - c) * f);
  }
  document.getElementById('zin').addEventListener('click', function () { zoom(0.5); });
  document.getElementById('zout').addEventListener('click', function () { zoom(2); });
  // A typed bound that passes the other one moves the window (keeping its width), never snaps back.
  function fromInputs(which) {
    var a = parseFloat(fromEl.value) * 1e6, b = parseFloat(toEl.value) * 1e6, w = win[1] - win[0];
    if (!isFinite(a) || !isFinite(b)) { syncInputs(); return; }
    if (b > a) setWindow(a, b);
    else if (which === 'from') setWindow(a, a + w);
    else setWindow(b - w, b);
  }
  fromEl.addEventListener('change', function () { fromInputs('from'); });
  toEl.addEventListener('change', function () { fromInputs('to'); });

  document.addEventListener('keydown', function (e) {
    if (e.target && ((e.target.tagName === 'INPUT' && e.target.type === 'text') || e.target.tagName === 'SELECT')) return;
    if (e.key === 'ArrowRight' || e.key === 'n') { next(); e.preventDefault(); }
    else if (e.key === 'ArrowLeft' || e.key === 'p') { prev(); e.preventDefault(); }
    else if (e.key === '+' || e.key === '=') zoom(0.5);
    else if (e.key === '-') zoom(2);
    else if (e.key === '0') setWindow(D.t0, D.t1);
    else if (e.key === 'Home') setCursor(0);
    else if (e.key === 'End') setCursor(steps.length - 1);
  });

  // Wheel zooms around the pointer; drag pans; a click picks the nearest event.
  canvas.addEventListener('wheel', function (e) {
    e.preventDefault();
    var r = canvas.getBoundingClientRect();
    zoom(Math.exp(e.deltaY * 0.0015), T(e.clientX - r.left));
  }, { passive: false });
  var drag = null;
  canvas.addEventListener('mousedown', function (e) { drag = { x: e.clientX, y: e.clientY, win: win.slice(), moved: false }; });
  window.addEventListener('mousemove', function (e) {
    if (!drag) return;
    var dx = e.clientX - drag.x;
    if (Math.abs(dx) > 3) drag.moved = true;
    if (drag.moved) {
      var dt = (dx / W) * (drag.win[1] - drag.win[0]);
      setWindow(drag.win[0] - dt, drag.win[1] - dt);
    }
  });
  window.addEventListener('mouseup', function (e) {
    if (drag && !drag.moved) pick(e);
    drag = null;
  });
  function laneAt(y) {
    for (var l = 0; l < L.lanes.length; l++) if (y >= L.lanes[l].y && y < L.lanes[l].y + L.lanes[l].h) return l;
    return -1;
  }
  // The step nearest the pointer (its lane counts: an event on another lane is 40 px further).
  function nearest(e) {
    if (!steps.length) return { i: -1, d: Infinity };
    var r = canvas.getBoundingClientRect();
    var t = T(e.clientX - r.left);
    var lane = laneAt(e.clientY - r.top);
    var lo = 0, hi = steps.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (stepTime(steps[mid]) < t) lo = mid + 1; else hi = mid; }
    var best = -1, bestD = Infinity;
    for (var i = Math.max(0, lo - 300); i < Math.min(steps.length, lo + 300); i++) {
      var s = steps[i];
      var d = Math.abs(X(stepTime(s)) - X(t));
      var l = s >= 0 ? M.b[s] : K.l[~s];
      if (lane >= 0 && l !== lane && !(s >= 0 && M.a[s] === lane)) d += 40;
      if (d < bestD) { bestD = d; best = i; }
    }
    return { i: best, d: bestD };
  }
  function pick(e) {
    var n = nearest(e);
    if (n.i >= 0) setCursor(n.i);
  }
  // Hovering names the event under the pointer; a click moves the cursor there.
  var tip = document.getElementById('tip');
  canvas.addEventListener('mousemove', function (e) {
    if (drag && drag.moved) { tip.style.display = 'none'; return; }
    var n = nearest(e);
    if (n.i < 0 || n.d > 6) { tip.style.display = 'none'; return; }
    var s = steps[n.i];
    tip.textContent = 't=' + secs(stepTime(s), 6) + '  ' + describeStep(s);
    var vr = view.getBoundingClientRect();
    tip.style.left = Math.min(e.clientX - vr.left + 14, vr.width - 420) + 'px';
    tip.style.top = (e.clientY - vr.top + 16) + 'px';
    tip.style.display = 'block';
  });
  canvas.addEventListener('mouseleave', function () { tip.style.display = 'none'; });

  // Overview: drag to choose a range, click to centre the window there.
  var ovDrag = null;
  function ovTime(e) {
    var r = ovSvg.getBoundingClientRect();
    return D.t0 + ((e.clientX - r.left) / r.width) * (D.t1 - D.t0);
  }
  ovSvg.addEventListener('mousedown', function (e) { ovDrag = { t: ovTime(e), x: e.clientX }; e.preventDefault(); });
  window.addEventListener('mousemove', function (e) {
    if (!ovDrag || Math.abs(e.clientX - ovDrag.x) < 3) return;
    var t = ovTime(e);
    setWindow(Math.min(t, ovDrag.t), Math.max(t, ovDrag.t));
  });
  window.addEventListener('mouseup', function (e) {
    if (ovDrag && Math.abs(e.clientX - ovDrag.x) < 3) {
      var w = win[1] - win[0];
      setWindow(ovDrag.t - w / 2, ovDrag.t + w / 2);
    }
    ovDrag = null;
  });

  // Verdicts: a click jumps to the violation and marks the records it names.
  function jump(vi, j) {
    var v = D.verdicts[vi] && D.verdicts[vi].violations[j];
    if (!v) return;
    highlighted = {};
    (v.records || []).forEach(function (r) { highlighted[r] = true; });
    var target = -1;
    for (var i = 0; i < steps.length && target < 0; i++) {
      var s = steps[i];
      if (highlighted[s >= 0 ? M.i[s] : K.i[~s]]) target = i;
    }
    if (target < 0) {
      target = 0;
      while (target < steps.length - 1 && stepTime(steps[target]) < v.t) target++;
    }
    var w = Math.min(D.t1 - D.t0, Math.max(MIN_WIDTH * 20, (win[1] - win[0]) / 4, 20000));
    setWindow(v.t - w / 2, v.t + w / 2);
    if (steps.length) setCursor(target);
    document.getElementById('violation-note').textContent = D.verdicts[vi].name + ': ' + v.message;
  }
  Array.prototype.forEach.call(document.querySelectorAll('[data-v]'), function (el) {
    el.addEventListener('click', function () {
      var p = el.getAttribute('data-v').split(':');
      jump(+p[0], +p[1]);
    });
  });

  // The story: a click on a line zooms there and puts the cursor on the first event at that time.
  Array.prototype.forEach.call(document.querySelectorAll('#story li[data-t]'), function (el) {
    el.addEventListener('click', function () {
      if (el.hasAttribute('data-e')) { selectElection(+el.getAttribute('data-e')); return; }
      var t = +el.getAttribute('data-t');
      if (el.hasAttribute('data-from')) {
        var f0 = +el.getAttribute('data-from'), f1 = +el.getAttribute('data-to');
        var fp = Math.max((f1 - f0) * 0.1, 2000);
        setWindow(f0 - fp, f1 + fp);
        var fi = 0;
        while (fi < steps.length - 1 && stepTime(steps[fi]) < f0) fi++;
        if (steps.length) setCursor(fi);
        return;
      }
      var w = Math.min(D.t1 - D.t0, Math.max(win[1] - win[0], 1e6));
      setWindow(t - w / 3, t + (2 * w) / 3);
      var i = 0;
      while (i < steps.length - 1 && stepTime(steps[i]) < t) i++;
      if (steps.length) setCursor(i);
    });
  });

  function resize() {
    var total = view.clientWidth;
    W = Math.max(200, total - L.gutter);
    var dpr = window.devicePixelRatio || 1;
    svg.setAttribute('width', total);
    Array.prototype.forEach.call(svg.querySelectorAll('.lane-bg'), function (el) { el.setAttribute('width', total); });
    Array.prototype.forEach.call(svg.querySelectorAll('.lane-line'), function (el) { el.setAttribute('x2', total); });
    canvas.width = Math.round(W * dpr);
    canvas.height = Math.round(L.height * dpr);
    canvas.style.width = W + 'px';
    canvas.style.height = L.height + 'px';
    canvas.style.left = L.gutter + 'px';
    redraw();
  }
  window.addEventListener('resize', resize);
  rebuildSteps();
  renderDesc();
  renderBallot();
  resize();
  document.body.setAttribute('data-ready', 'true');
})();
