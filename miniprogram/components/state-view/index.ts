/**
 * The four states of anything loaded: a spinner, the content (the slot), an empty message with an optional action,
 * or an error with a retry button. Every page wraps what it loads in one of these.
 */
Component({
  properties: {
    status: { type: String, value: 'loading' },
    emptyText: { type: String, value: '这里还没有内容' },
    emptyAction: { type: String, value: '' },
    errorText: { type: String, value: '加载失败' },
  },
  methods: {
    onRetry(): void {
      this.triggerEvent('retry');
    },
    onAction(): void {
      this.triggerEvent('action');
    },
  },
});
