/**
 * Grading, on the server only (issue 18). Each question's points:
 *
 * - **single**, **true/false**: all for the right answer, none otherwise.
 * - **multiple** (the rule of most Chinese exam systems, 少选得一半分): all for exactly the right options; half
 *   (rounded down to a tenth of a point) for some of the right options and no wrong one; none as soon as one wrong
 *   option is chosen, or for nothing chosen.
 * - **blank**: all when the text, in `blankForm`, equals any accepted answer in `blankForm`; none otherwise.
 *
 * An answer of the wrong shape (a list for a single choice, an option the question does not have) is simply wrong:
 * the learner's device may send anything, and grading never throws.
 */
import { checkForm } from '../content/normalize';
import type { Answer, Answers, Question, Quiz } from './question';

export interface QuestionResult {
  questionId: string;
  correct: boolean;
  points: number;
  maxPoints: number;
  /** What was right, for the result page: option ids, `true`/`false`, or the accepted texts. */
  rightAnswer: string[];
  explanation?: string;
}

export interface QuizResult {
  score: number;
  maxScore: number;
  passed: boolean;
  perQuestion: QuestionResult[];
}

/**
 * How blanks are compared: what content checks compare (no invisible characters, full-width folded, spacing inside
 * CJK words removed, other spacing one space) and letters in lower case, so `ＵＤＰ`, ` udp ` and `Udp` match `UDP`.
 */
export function blankForm(text: string): string {
  return checkForm(text).toLowerCase();
}

const tenth = (value: number): number => Math.floor(value * 10) / 10;

function asList(answer: Answer | undefined): string[] | undefined {
  if (answer === undefined) return undefined;
  return Array.isArray(answer) ? answer : undefined;
}

function asText(answer: Answer | undefined): string | undefined {
  return typeof answer === 'string' ? answer : undefined;
}

/** The points of one question for one answer (absent: not answered). */
export function gradeQuestion(question: Question, answer: Answer | undefined): QuestionResult {
  const base = { questionId: question.id, maxPoints: question.points };
  const explanation = question.explanation === undefined ? {} : { explanation: question.explanation };
  const result = (points: number, rightAnswer: string[]): QuestionResult => ({
    ...base,
    points,
    correct: points === question.points,
    rightAnswer,
    ...explanation,
  });
  switch (question.kind) {
    case 'single':
      return result(asText(answer) === question.answer ? question.points : 0, [question.answer]);
    case 'truefalse':
      return result(asText(answer) === String(question.answer) ? question.points : 0, [String(question.answer)]);
    case 'blank': {
      const text = asText(answer);
      const right = text !== undefined && question.accepted.some((accepted) => blankForm(accepted) === blankForm(text));
      return result(right ? question.points : 0, [...question.accepted]);
    }
    case 'multiple': {
      const chosen = new Set(asList(answer) ?? []);
      const right = new Set(question.answers);
      const wrong = [...chosen].some((id) => !right.has(id));
      let points = 0;
      if (!wrong && chosen.size === right.size) points = question.points;
      else if (!wrong && chosen.size > 0) points = tenth(question.points / 2);
      return result(points, [...question.answers]);
    }
  }
}

/** The whole attempt: the sum of the points, passed at `passRatio` of the maximum. */
export function gradeQuiz(quiz: Pick<Quiz, 'questions' | 'passRatio'>, answers: Answers): QuizResult {
  const perQuestion = quiz.questions.map((question) => gradeQuestion(question, answers[question.id]));
  // Summed in tenths of a point, the unit points come in, so 0.3 + 0.6 is 0.9 and not 0.8999….
  const tenths = (points: readonly number[]) => Math.round(points.reduce((sum, p) => sum + p * 10, 0)) / 10;
  const score = tenths(perQuestion.map((q) => q.points));
  const maxScore = tenths(quiz.questions.map((q) => q.points));
  // The same tolerance for the pass mark (60 % of 7.5 is 4.5 however the product rounds).
  return { score, maxScore, passed: score >= quiz.passRatio * maxScore - 1e-9, perQuestion };
}

/**
 * The answers an attempt is graded on: those submitted when they came in time, else the last ones saved before the
 * deadline (`quiz.save`), so a late submission is graded as at the deadline and never counts what came after it.
 */
export function answersAtDeadline(input: {
  submitted: Answers;
  submittedAtMs: number;
  endsAtMs?: number;
  saved?: { answers: Answers; savedAtMs: number };
}): Answers {
  const { submitted, submittedAtMs, endsAtMs, saved } = input;
  if (endsAtMs === undefined || submittedAtMs <= endsAtMs) return submitted;
  return saved && saved.savedAtMs <= endsAtMs ? saved.answers : {};
}
