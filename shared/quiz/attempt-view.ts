/**
 * What a learner sees of an attempt before submitting it: the questions and options in an order of the attempt's own
 * (shuffled with a seed from the attempt id, so a reload shows the same order and two attempts differ), and nothing
 * that tells the answer — no answers, accepted texts or explanations. Built field by field, never by removing
 * fields, so a field added to questions later does not leak.
 */
import { SeededRandom } from '../recommender/algorithms/random';
import type { Question, QuestionKind, QuizOption } from './question';

export interface QuestionView {
  id: string;
  kind: QuestionKind;
  text: string;
  points: number;
  /** single and multiple: the options in this attempt's order; true/false: 对, 错; blank: none. */
  options: QuizOption[];
}

const TRUE_FALSE: QuizOption[] = [
  { id: 'true', text: '对' },
  { id: 'false', text: '错' },
];

/** FNV-1a of the attempt id: the shuffle's seed. */
function seedOf(attemptId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < attemptId.length; i++) h = Math.imul(h ^ attemptId.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Fisher–Yates with the given random source; the input is not changed. */
export function shuffled<T>(items: readonly T[], random: SeededRandom): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random.uniform() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export function attemptQuestions(questions: readonly Question[], attemptId: string): QuestionView[] {
  const random = new SeededRandom(seedOf(attemptId));
  return shuffled(questions, random).map((question) => ({
    id: question.id,
    kind: question.kind,
    text: question.text,
    points: question.points,
    options:
      question.kind === 'single' || question.kind === 'multiple'
        ? shuffled(question.options, random).map((option) => ({ id: option.id, text: option.text }))
        : question.kind === 'truefalse'
          ? TRUE_FALSE.map((option) => ({ ...option }))
          : [],
  }));
}
