/**
 * The release page's one script (served at /console/assets/release.js; the page's CSP allows script
 * from this origin only, and no inline script). It asks the page's stats answer for the send's
 * figures about once a second and writes them in: the counts, the bar and its text, the rates, the
 * paused note, and which send controls show. The server formats every string (send-figures.ts), so
 * nothing here decides what a figure says. It stops once the send has ended, after repeated
 * failures, or when the answer is not ours (the session ended): the page's Refresh link still works.
 * A page in a background tab asks nothing until it is shown again (each ask is a Lambda invocation).
 *
 * Plain ES2017 in one function, no modules or build step: it is served as written.
 */
export const RELEASE_SCRIPT = `'use strict';
(function () {
  var root = document.getElementById('send');
  if (!root || !root.dataset.stats) return;
  var url = root.dataset.stats;
  var live = document.getElementById('live-note');
  var failures = 0;

  function write(selector, value) {
    var el = document.querySelector(selector);
    if (el && el.textContent !== value) el.textContent = value;
  }
  function stop(message) {
    if (live) live.textContent = message;
  }
  function show(figures) {
    root.dataset.status = figures.status;
    write('#send-status', figures.status);
    var badge = document.getElementById('send-status');
    if (badge) badge.className = 'status status-' + figures.status;
    Object.keys(figures.counts).forEach(function (name) {
      write('[data-count="' + name + '"]', String(figures.counts[name]));
    });
    var bar = document.getElementById('send-bar');
    if (bar) {
      bar.max = figures.bar.max;
      bar.value = figures.bar.value;
    }
    write('#progress-text', figures.text.progress);
    write('#bounce-rate', figures.text.bounceRate);
    write('#complaint-rate', figures.text.complaintRate);
    write('#paused-note', figures.text.paused);
    write('#send-error', figures.text.error);
    var paused = document.getElementById('paused-note');
    if (paused) paused.hidden = !figures.text.paused;
    var error = document.getElementById('send-error');
    if (error) error.hidden = !figures.text.error;
    document.querySelectorAll('[data-when]').forEach(function (control) {
      control.hidden = control.dataset.when.split(' ').indexOf(figures.status) < 0;
    });
  }
  function later(ms) {
    setTimeout(function () {
      if (document.hidden) document.addEventListener('visibilitychange', poll, { once: true });
      else poll();
    }, ms);
  }
  function poll() {
    fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (answer) {
        var type = answer.headers.get('content-type') || '';
        if (!answer.ok || type.indexOf('application/json') !== 0) throw new Error('answered ' + answer.status);
        return answer.json();
      })
      .then(function (figures) {
        failures = 0;
        show(figures);
        if (figures.pollMs > 0) later(figures.pollMs);
        else stop('The send has ended: these figures are final, except for late bounces and complaints (Refresh to see them).');
      })
      .catch(function () {
        failures += 1;
        if (failures < 5) later(2000 * failures);
        else stop('Live updates stopped: use Refresh to see the latest figures.');
      });
  }
  var first = Number(root.dataset.pollMs || 0);
  if (first > 0) {
    if (live) live.textContent = 'These figures update by themselves while the send runs.';
    later(first);
  }
})();
`;
