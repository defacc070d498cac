/**
 * The identity overlay on paid media: the learner's watermark text (from `learning.lesson`, never the openid) tiled
 * faintly over the player so a screen recording names who made it. It never takes taps.
 */
Component({
  properties: {
    text: { type: String, value: '' },
  },
  data: { tiles: [0, 1, 2, 3, 4, 5] },
});
