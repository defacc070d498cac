import fc from 'fast-check';
import { answersAtDeadline, blankForm, gradeQuestion, gradeQuiz } from '../grading';
import type { FillBlank, MultipleChoice, Question, SingleChoice, TrueFalse } from '../question';

const single: SingleChoice = {
  id: 'q1',
  kind: 'single',
  text: 'TCP 在哪一层？',
  points: 2,
  options: [
    { id: 'a', text: '应用层' },
    { id: 'b', text: '传输层' },
    { id: 'c', text: '网络层' },
  ],
  answer: 'b',
  explanation: 'TCP 和 UDP 都在传输层。',
};
const multiple: MultipleChoice = {
  id: 'q2',
  kind: 'multiple',
  text: '哪些是传输层协议？',
  points: 3,
  options: [
    { id: 'a', text: 'TCP' },
    { id: 'b', text: 'UDP' },
    { id: 'c', text: 'IP' },
    { id: 'd', text: 'QUIC' },
  ],
  answers: ['a', 'b', 'd'],
};
const truefalse: TrueFalse = { id: 'q3', kind: 'truefalse', text: 'HTTP/3 基于 UDP。', points: 1, answer: true };
const blank: FillBlank = {
  id: 'q4',
  kind: 'blank',
  text: 'DNS 默认端口是＿＿。',
  points: 2,
  accepted: ['53', '五十三'],
};

describe('gradeQuestion', () => {
  it.each([
    [single, 'b', 2],
    [single, 'a', 0],
    [single, ['b'], 0], // a list for a single choice is the wrong shape: wrong
    [single, undefined, 0],
    [truefalse, 'true', 1],
    [truefalse, 'false', 0],
    [truefalse, 'yes', 0],
    [blank, '53', 2],
    [blank, ' ５３ ', 2],
    [blank, '五 十 三', 2],
    [blank, '54', 0],
    [blank, ['53'], 0],
  ] as [Question, string | string[] | undefined, number][])('%# %j → %d points', (question, answer, points) => {
    expect(gradeQuestion(question, answer).points).toBe(points);
  });

  it('gives multiple choice all for exactly the right options, half for some and no wrong one, none otherwise', () => {
    expect(gradeQuestion(multiple, ['d', 'a', 'b'])).toMatchObject({ points: 3, correct: true });
    expect(gradeQuestion(multiple, ['a', 'b'])).toMatchObject({ points: 1.5, correct: false });
    expect(gradeQuestion(multiple, ['a'])).toMatchObject({ points: 1.5, correct: false });
    expect(gradeQuestion(multiple, ['a', 'b', 'c'])).toMatchObject({ points: 0 });
    expect(gradeQuestion(multiple, ['c'])).toMatchObject({ points: 0 });
    expect(gradeQuestion(multiple, [])).toMatchObject({ points: 0 });
    expect(gradeQuestion(multiple, 'a')).toMatchObject({ points: 0 });
    // Half of an odd number of points is rounded down to a tenth.
    expect(gradeQuestion({ ...multiple, points: 1.5 }, ['a']).points).toBe(0.7);
    // The same option twice is one choice.
    expect(gradeQuestion(multiple, ['a', 'a', 'b', 'd']).points).toBe(3);
  });

  it('says what was right and explains it, for the result page', () => {
    expect(gradeQuestion(single, 'a')).toEqual({
      questionId: 'q1',
      correct: false,
      points: 0,
      maxPoints: 2,
      rightAnswer: ['b'],
      explanation: 'TCP 和 UDP 都在传输层。',
    });
    expect(gradeQuestion(truefalse, 'true').rightAnswer).toEqual(['true']);
    expect(gradeQuestion(blank, '').rightAnswer).toEqual(['53', '五十三']);
  });

  it('compares blanks without case, full-width forms or spacing inside CJK words', () => {
    expect(blankForm('ＵＤＰ')).toBe(blankForm(' udp '));
    expect(blankForm('传 输 层')).toBe('传输层');
    expect(blankForm('Hello  World')).toBe('hello world');
  });

  it('never throws, whatever a device sends', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Question>(single, multiple, truefalse, blank),
        fc.oneof(fc.string(), fc.array(fc.string()), fc.constant(undefined)),
        (question, answer) => {
          const result = gradeQuestion(question, answer);
          return result.points >= 0 && result.points <= question.points;
        },
      ),
    );
  });
});

describe('gradeQuiz', () => {
  const quiz = { questions: [single, multiple, truefalse, blank], passRatio: 0.6 };

  it('sums the points and passes at the ratio of the maximum', () => {
    expect(gradeQuiz(quiz, { q1: 'b', q2: ['a', 'b', 'd'], q3: 'true', q4: '53' })).toMatchObject({
      score: 8,
      maxScore: 8,
      passed: true,
    });
    // 2 + 1.5 + 0 + 0 = 3.5 of 8: below 4.8.
    expect(gradeQuiz(quiz, { q1: 'b', q2: ['a'] })).toMatchObject({ score: 3.5, passed: false });
    // Exactly at the mark passes: 2 + 1.5 + 1 + 0 = 4.5 of 7.5 is 60 %.
    const atMark = { questions: [single, multiple, truefalse, { ...blank, points: 1.5 }], passRatio: 0.6 };
    expect(gradeQuiz(atMark, { q1: 'b', q2: ['a'], q3: 'true' })).toMatchObject({
      score: 4.5,
      maxScore: 7.5,
      passed: true,
    });
  });

  it('adds tenths without binary drift', () => {
    const tenths = {
      questions: [
        { ...single, points: 0.3 },
        { ...truefalse, points: 0.6 },
      ],
      passRatio: 1,
    };
    expect(gradeQuiz(tenths, { q1: 'b', q3: 'true' })).toMatchObject({ score: 0.9, maxScore: 0.9, passed: true });
  });
});

describe('answersAtDeadline', () => {
  const saved = { answers: { q1: 'a' }, savedAtMs: 1000 };

  it('grades what was submitted in time', () => {
    expect(answersAtDeadline({ submitted: { q1: 'b' }, submittedAtMs: 1500, endsAtMs: 2000, saved })).toEqual({
      q1: 'b',
    });
    expect(answersAtDeadline({ submitted: { q1: 'b' }, submittedAtMs: 9999, saved })).toEqual({ q1: 'b' });
  });

  it('grades a late submission on the last answers saved before the deadline, or on none', () => {
    expect(answersAtDeadline({ submitted: { q1: 'b' }, submittedAtMs: 2500, endsAtMs: 2000, saved })).toEqual({
      q1: 'a',
    });
    expect(
      answersAtDeadline({
        submitted: { q1: 'b' },
        submittedAtMs: 2500,
        endsAtMs: 2000,
        saved: { ...saved, savedAtMs: 2100 },
      }),
    ).toEqual({});
    expect(answersAtDeadline({ submitted: { q1: 'b' }, submittedAtMs: 2500, endsAtMs: 2000 })).toEqual({});
  });
});
