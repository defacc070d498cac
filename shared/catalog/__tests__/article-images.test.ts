import { articleImageIds, imagesOf, withImageUrls } from '../article-images';

const A = 'cloud://e.b/media/c/1-a.png';
const B = 'cloud://e.b/media/c/2-b.png';
const BODY = `# 标题\n\n![架构图](${A} "图一")\n\n正文 ![小图](<${B}>) 与 ![再用](${A})，[链接](https://x.cn)。`;

test('the fileIDs of the images, in order, with or without a title or angle brackets', () => {
  expect(articleImageIds(BODY)).toEqual([A, B, A]);
  expect(articleImageIds('![外链](https://x.cn/a.png) 没有云文件')).toEqual([]);
});

test('each fileID becomes its URL; an image with no URL keeps only its alt text', () => {
  const urls = new Map([[A, 'https://t/a.png?sign=1']]);
  expect(withImageUrls(BODY, urls)).toBe(
    '# 标题\n\n![架构图](https://t/a.png?sign=1)\n\n正文 小图 与 ![再用](https://t/a.png?sign=1)，[链接](https://x.cn)。',
  );
  expect(withImageUrls(BODY, new Map())).not.toContain('cloud://');
  // A web image edited into the console never reaches learners: it was never checked.
  expect(withImageUrls('前 ![外链](https://x.cn/a.png) 后', urls)).toBe('前 外链 后');
});

test('an image is a fileID, a path beside the course file, or a web image', () => {
  expect(imagesOf(`![a](${A}) ![b](images/b.png) ![c](https://x.cn/c.png) ![d](data:image/png;base64,AA)`)).toEqual([
    { target: A, source: 'cloud' },
    { target: 'images/b.png', source: 'local' },
    { target: 'https://x.cn/c.png', source: 'web' },
    { target: 'data:image/png;base64,AA', source: 'web' },
  ]);
});
