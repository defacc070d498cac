/**
 * The `learning` function: opening a lesson, reporting playback or reading progress, and the learner's courses
 * (API.md §1).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Access, CourseCard, CourseProgressBrief, DocId, LessonOutline } from './catalog';
import type { RequestOf } from './handler';

/** Longest lesson the platform accepts a position for: 24 hours. */
export const MAX_LESSON_SEC = 86_400;

export const learningActions = {
  lesson: Type.Object({ courseId: DocId, lessonId: DocId }, { additionalProperties: false }),
  progress: Type.Object(
    {
      courseId: DocId,
      lessonId: DocId,
      /** Playback position, or for an article how far it is read, in seconds of its reading time. */
      positionSec: Type.Number({ minimum: 0, maximum: MAX_LESSON_SEC }),
      /** The duration the player knows; must agree with the lesson's. */
      durationSec: Type.Number({ exclusiveMinimum: 0, maximum: MAX_LESSON_SEC }),
      /**
       * The client's epoch milliseconds when the position was read; a report queued offline carries its own time.
       * Absent: the server's time. A time in the future counts as now.
       */
      reportedAt: Type.Optional(Type.Integer({ minimum: 0, maximum: 8_640_000_000_000 })),
    },
    { additionalProperties: false },
  ),
  myCourses: Type.Object({}, { additionalProperties: false }),
};

export type LearningRequest = RequestOf<typeof learningActions>;
export type LessonParams = Static<typeof learningActions.lesson>;
export type ProgressParams = Static<typeof learningActions.progress>;

/** The caller's state in one lesson. */
export const LessonProgress = Type.Object({
  lessonId: Type.String(),
  /** Where to resume: the position of the latest report. */
  positionSec: Type.Integer({ minimum: 0 }),
  /** The furthest position ever reported; never goes back. */
  furthestSec: Type.Integer({ minimum: 0 }),
  /** 90 % of a video or audio reached, or an article read to its end; stays true. */
  completed: Type.Boolean(),
  /** ISO-8601 time of the report `positionSec` comes from. */
  updatedAt: Type.String(),
});
export type LessonProgress = Static<typeof LessonProgress>;

/** The caller's progress in a course after a report, with the reported lesson's own state. */
export const CourseProgress = Type.Composite([
  CourseProgressBrief,
  Type.Object({ courseId: Type.String(), lesson: LessonProgress }),
]);
export type CourseProgress = Static<typeof CourseProgress>;

/** A lesson opened for the caller. */
export const LessonContent = Type.Composite([
  LessonOutline,
  Type.Object({
    /** Video and audio: a temp URL of the private file; expires at `mediaExpiresAt` (at most one hour). */
    mediaUrl: Type.Optional(Type.String()),
    /** ISO-8601; call `lesson` again for a fresh URL after it. */
    mediaExpiresAt: Type.Optional(Type.String()),
    /** Articles: the Markdown body. */
    body: Type.Optional(Type.String()),
    /** Short text derived from the caller's identity (not the openid) for the player to overlay. */
    watermark: Type.String(),
    /** Where the caller stopped, from any device. */
    progress: Type.Optional(LessonProgress),
  }),
]);
export type LessonContent = Static<typeof LessonContent>;

export const MyCourseItem = Type.Object({
  course: CourseCard,
  /** 0–100, completed lessons over lessons. */
  percent: Type.Integer({ minimum: 0, maximum: 100 }),
  lastLessonId: Type.Optional(Type.String()),
  /** Where the access to the course comes from: the longest-lived grant that opens it. */
  access: Access,
  /** ISO-8601 time of the latest activity (the latest progress report, else when the grant was given). */
  updatedAt: Type.String(),
});
export type MyCourseItem = Static<typeof MyCourseItem>;

export interface LearningResponses {
  lesson: { lesson: LessonContent };
  progress: { progress: CourseProgress };
  /** Every course the learner can open, latest activity first. */
  myCourses: { items: MyCourseItem[] };
}
