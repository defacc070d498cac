/**
 * The identity overlay on paid media: the learner's watermark text (from `learning.lesson`, never the openid) tiled
 * faintly over the player so a screen recording names who made it. It never takes taps. Inside a `<video>` it is
 * made of `cover-view`s (`cover`), which WeChat draws over the native player, in fullscreen too.
 */
Component({
  properties: {
    text: { type: String, value: '' },
    cover: { type: Boolean, value: false },
  },
  data: { tiles: [0, 1, 2, 3, 4, 5] },
});
