/* Click-to-play video facade and soundtrack seeking.
 *
 * Until the reader presses play, the page holds only a local poster and a link to the
 * video's own page, so no third-party byte is loaded. Pressing play (or a track's time)
 * swaps in the privacy-enhanced player (youtube-nocookie.com, Vimeo with dnt=1), sized
 * by the same box so nothing moves. The server writes every player URL; this script only
 * decides when to load one.
 */
(function () {
  "use strict";

  function load(figure, embedUrl) {
    var frame = figure.querySelector(".video__frame");
    var iframe = frame.querySelector("iframe");
    if (!iframe) {
      iframe = document.createElement("iframe");
      iframe.title = figure.dataset.title || "Video player";
      iframe.allow = "autoplay; encrypted-media; fullscreen; picture-in-picture";
      iframe.allowFullscreen = true;
      iframe.referrerPolicy = "strict-origin-when-cross-origin";
      frame.replaceChildren(iframe);
    }
    iframe.src = embedUrl;
    figure.classList.add("is-playing");
    return iframe;
  }

  function markPlaying(track) {
    document.querySelectorAll(".track[aria-current]").forEach(function (row) {
      row.removeAttribute("aria-current");
      row.querySelector(".track__now").hidden = true;
    });
    if (track) {
      track.setAttribute("aria-current", "true");
      track.querySelector(".track__now").hidden = false;
    }
  }

  document.addEventListener("click", function (event) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return; /* let "open in new tab" reach the provider's page */
    }
    var play = event.target.closest(".video__play");
    var seek = event.target.closest("[data-seek]");
    if (play) {
      event.preventDefault();
      load(play.closest("[data-video]"), play.dataset.embed).focus();
      markPlaying(null);
    } else if (seek) {
      var figure = document.getElementById(seek.dataset.seek);
      if (!figure) return;
      event.preventDefault();
      var iframe = load(figure, seek.dataset.embed);
      markPlaying(seek.closest(".track"));
      figure.scrollIntoView({ block: "nearest" });
      iframe.focus();
    }
  });
})();
