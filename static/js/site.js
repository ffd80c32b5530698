/* Montage's one script. It only enhances pages that work without it.
 *
 * Video: a click-to-play facade and soundtrack seeking.
 * Until the reader presses play, the page holds only a local poster and a link to the
 * video's own page, so no third-party byte is loaded. Pressing play (or a track's time)
 * swaps in the privacy-enhanced player (youtube-nocookie.com, Vimeo with dnt=1), sized
 * by the same box so nothing moves. The server writes every player URL; this script only
 * decides when to load one.
 */
(function () {
  "use strict";

  function load(figure, embedUrl, watchUrl) {
    var frame = figure.querySelector(".video__frame");
    var iframe = frame.querySelector("iframe");
    if (!iframe) {
      iframe = document.createElement("iframe");
      iframe.title = figure.dataset.title || "Video player";
      iframe.allow = "autoplay; encrypted-media; fullscreen; picture-in-picture";
      iframe.referrerPolicy = "strict-origin-when-cross-origin";
      frame.replaceChildren(iframe);
    }
    iframe.src = embedUrl;
    figure.classList.add("is-playing");
    // Under the player, "Watch on YouTube" opens the same place on the provider's page,
    // in case the embed is blocked or fails.
    var watch = figure.querySelector(".video__watch");
    if (watch) {
      watch.querySelector("a").href = watchUrl;
      watch.hidden = false;
    }
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

  /* Comments: the reply form moves under the comment being answered. */
  var respond = document.getElementById("respond");
  var home = respond && document.createComment("respond");
  if (respond) respond.before(home);

  var openedBy = null; /* the Reply link focus returns to on cancel */

  function replyTo(link) {
    openedBy = link;
    var form = respond.querySelector("form");
    var article = link.closest("article");
    form.elements.parent.value = article.parentNode.id.replace("comment-", "");
    respond.querySelector("h3").textContent =
      "Leave a Reply to " + article.querySelector(".comment__author").textContent;
    link.closest("article").after(respond);
    showCancel(true);
    form.elements.text.focus();
  }

  function cancelReply() {
    respond.querySelector("form").elements.parent.value = "";
    respond.querySelector("h3").textContent = "Leave a Reply";
    home.after(respond);
    showCancel(false);
    if (openedBy) openedBy.focus();
  }

  function showCancel(visible) {
    var cancel = respond.querySelector("[data-cancel-reply]");
    if (!cancel && visible) {
      var p = document.createElement("p");
      p.className = "respond__cancel";
      p.innerHTML = '<a href="#respond" data-cancel-reply>Cancel reply</a>';
      respond.querySelector("h3").after(p);
    } else if (cancel && !visible) {
      cancel.parentNode.remove();
    }
  }

  document.addEventListener("submit", function (event) {
    var button = event.target.querySelector("button[type=submit]");
    if (!event.target.matches(".comment-form") || !button) return;
    if (event.target.dataset.sending) {
      event.preventDefault(); /* a second press would post twice */
      return;
    }
    event.target.dataset.sending = "1";
    button.textContent = "Posting…";
    var status = event.target.querySelector("[data-form-status]");
    if (status) status.textContent = "Posting your comment…";
  });

  /* A page brought back by the Back button must not stay "Posting…". */
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll(".comment-form[data-sending]").forEach(function (form) {
      delete form.dataset.sending;
      form.querySelector("button[type=submit]").textContent = "Post Comment";
    });
  });

  /* After the browser has scrolled to #respond, so the focus stays on the summary. */
  var summary = document.querySelector(".error-summary");
  if (summary) {
    window.addEventListener("load", function () { summary.focus(); });
  }

  // An old link to a comment (#comment-12, as WordPress wrote them) that this page of
  // comments does not hold: the server knows which page does, and is asked only once.
  var comments = document.getElementById("comments");
  var wanted = /^#comment-(\d{1,18})$/.exec(location.hash);
  if (wanted && comments && !/[?&]cpage=/.test(location.search) &&
      !document.getElementById(wanted[0].slice(1))) {
    location.replace(comments.dataset.commentLink.replace(/0\/$/, wanted[1] + "/") +
      "?on=" + encodeURIComponent(location.pathname));
  }

  // With this script the play link plays in place, so it is a button, which Space
  // presses as well as Enter (a link only follows Enter).
  document.querySelectorAll(".video__play").forEach(function (play) {
    play.setAttribute("role", "button");
  });
  // On keydown, so that cancelling it also stops the page scrolling.
  document.addEventListener("keydown", function (event) {
    if (event.key === " " && event.target.closest(".video__play")) {
      event.preventDefault();
      event.target.click();
    }
  });

  document.addEventListener("click", function (event) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return; /* let "open in new tab" reach the provider's page */
    }
    var play = event.target.closest(".video__play");
    var seek = event.target.closest("[data-seek]");
    var reply = respond && event.target.closest(".comment__reply");
    var cancel = respond && event.target.closest("[data-cancel-reply]");
    if (reply) {
      event.preventDefault();
      replyTo(reply);
    } else if (cancel) {
      event.preventDefault();
      cancelReply();
    } else if (play) {
      event.preventDefault();
      load(play.closest("[data-video]"), play.dataset.embed, play.href).focus();
      markPlaying(null);
    } else if (seek) {
      var figure = document.getElementById(seek.dataset.seek);
      if (!figure) return;
      event.preventDefault();
      var iframe = load(figure, seek.dataset.embed, seek.href);
      markPlaying(seek.closest(".track"));
      figure.scrollIntoView({ block: "nearest" });
      iframe.focus();
    }
  });
})();
