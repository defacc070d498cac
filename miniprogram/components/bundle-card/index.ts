/** A membership or 专栏 in a list: cover, title, kind, course count and price (`price-tag`); a tap opens it. */
import { navigate } from '../../services/nav';
import type { BundleView } from '../../view/bundle';

Component({
  properties: {
    /** A `BundleView` (view/bundle.ts). */
    bundle: { type: Object, value: {} as BundleView },
  },
  methods: {
    onTap(): void {
      const bundle = this.data.bundle as BundleView;
      if (bundle.id) navigate('bundle', { bundleId: bundle.id });
    },
  },
});
