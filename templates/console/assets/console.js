// Switchboard console: live regions without a reload.
// An element with an id and data-live="<seconds>" is refreshed from the same page every few
// seconds: the page is fetched again and the element with the same id replaces this one's
// content. Nothing refreshes while the tab is hidden or while focus is inside the region (a
// person typing in a filter keeps what they typed).
(function () {
  'use strict';
  var regions = document.querySelectorAll('[data-live][id]');
  if (!regions.length || !window.fetch || !window.DOMParser) return;

  function refresh(region) {
    if (document.hidden || region.contains(document.activeElement)) return Promise.resolve();
    return fetch(window.location.href, {
      credentials: 'same-origin',
      headers: { 'X-Console-Partial': '1' },
    })
      .then(function (res) {
        if (res.redirected && /\/console\/sign-in/.test(res.url)) {
          window.location.href = res.url;
          return null;
        }
        return res.ok ? res.text() : null;
      })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById(region.id);
        if (fresh && fresh.innerHTML !== region.innerHTML) {
          region.innerHTML = fresh.innerHTML;
          region.setAttribute('data-refreshed', new Date().toISOString());
        }
      })
      .catch(function () {
        // The service restarting or the network blinking: the next tick tries again.
      });
  }

  Array.prototype.forEach.call(regions, function (region) {
    var seconds = Math.max(2, parseInt(region.getAttribute('data-live'), 10) || 5);
    setInterval(function () {
      refresh(region);
    }, seconds * 1000);
  });
})();
