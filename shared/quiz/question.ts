/**
 * A quiz or exam as the server keeps it (issue 18): questions with their answers and explanations, which never leave
 * the server before the attempt that shows them is submitted (./attempt-view.ts gives what a learner may see).
 */

export const QUESTION_KINDS = ['single', 'multiple', 'truefalse', 'blank'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

export interface QuizOption {
  id: string;
  text: string;
}

interface QuestionBase {
  id: string;
  text: string;
  points: number;
  /** Shown with the result, after submission. */
  explanation?: string;
}

/** One right option. */
export interface SingleChoice extends QuestionBase {
  kind: 'single';
  options: QuizOption[];
  answer: string;
}

/** One or more right options; partial credit in ./grading.ts. */
export interface MultipleChoice extends QuestionBase {
  kind: 'multiple';
  options: QuizOption[];
  answers: string[];
}

/** 对 or 错: the options are fixed (`true`, `false`). */
export interface TrueFalse extends QuestionBase {
  kind: 'truefalse';
  answer: boolean;
}

/** A blank the learner types; any of `accepted` counts, compared as ./grading.ts `blankForm` says. */
export interface FillBlank extends QuestionBase {
  kind: 'blank';
  accepted: string[];
}

export type Question = SingleChoice | MultipleChoice | TrueFalse | FillBlank;

export interface Quiz {
  id: string;
  courseId: string;
  /** A lesson's quiz; absent for the course's final exam. */
  lessonId?: string;
  kind: 'quiz' | 'exam';
  title: string;
  questions: Question[];
  /** The share of the points that passes, 0–1. */
  passRatio: number;
  /** Exams: the attempt's time limit and how many attempts count. */
  timeLimitSec?: number;
  maxAttempts?: number;
}

/** A learner's answer to one question: option ids, `true`/`false` as text, or the text of a blank. */
export type Answer = string | string[];
export type Answers = Record<string, Answer>;
