import fc from 'fast-check';
import { attemptQuestions } from '../attempt-view';
import type { Question } from '../question';

const questions: Question[] = [
  {
    id: 'q1',
    kind: 'single',
    text: '一',
    points: 1,
    options: ['a', 'b', 'c', 'd'].map((id) => ({ id, text: id.toUpperCase() })),
    answer: 'c',
    explanation: '因为 C',
  },
  {
    id: 'q2',
    kind: 'multiple',
    text: '二',
    points: 2,
    options: ['a', 'b', 'c'].map((id) => ({ id, text: id })),
    answers: ['a', 'b'],
  },
  { id: 'q3', kind: 'truefalse', text: '三', points: 1, answer: false },
  { id: 'q4', kind: 'blank', text: '四', points: 1, accepted: ['秘密答案'] },
];

test('an attempt shows no answer, accepted text or explanation: the raw JSON has none of them', () => {
  const text = JSON.stringify(attemptQuestions(questions, 'attempt-1'));
  for (const secret of ['answer', 'accepted', 'explanation', '秘密答案', '因为 C']) expect(text).not.toContain(secret);
  expect(attemptQuestions(questions, 'attempt-1').find((q) => q.id === 'q3')?.options).toEqual([
    { id: 'true', text: '对' },
    { id: 'false', text: '错' },
  ]);
});

test('the order is the attempt’s own: the same on every reload, a permutation of the questions and options', () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1 }), (attemptId) => {
      const a = attemptQuestions(questions, attemptId);
      expect(attemptQuestions(questions, attemptId)).toEqual(a);
      expect(a.map((q) => q.id).sort()).toEqual(['q1', 'q2', 'q3', 'q4']);
      const q1 = a.find((q) => q.id === 'q1');
      expect(q1?.options.map((o) => o.id).sort()).toEqual(['a', 'b', 'c', 'd']);
    }),
  );
});

test('attempts differ in their order', () => {
  const orders = new Set(
    Array.from({ length: 20 }, (_, i) =>
      attemptQuestions(questions, `attempt-${i}`)
        .map((q) => q.id)
        .join(),
    ),
  );
  expect(orders.size).toBeGreaterThan(5);
});
