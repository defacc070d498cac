/** 兑换码: binds RedeemStore; after a code is redeemed, what it opened is one tap away. */
import { call } from '../../services/call';
import { navigate } from '../../services/nav';
import { initialRedeem, RedeemStore } from '../../stores/redeem';
import { definePage } from '../../core/define-page';

definePage({
  initial: initialRedeem(),
  createStore: () => new RedeemStore({ call }),
  methods: {
    onInput(event: WechatMiniprogram.Input): void {
      this.store.setCode(event.detail.value);
    },
    onSubmit(): void {
      void this.store.submit();
    },
    onOpen(): void {
      const { opened } = this.store.state;
      if (!opened?.id) return;
      if (opened.kind === 'bundle') navigate('bundle', { bundleId: opened.id });
      else navigate('detail', { courseId: opened.id });
    },
    onAnother(): void {
      this.store.reset();
    },
  },
});
