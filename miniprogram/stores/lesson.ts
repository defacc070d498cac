/**
 * 学习: one lesson (video, audio or article) with its progress. Position reports go through ProgressReporter
 * (throttled while playing, immediate on pause, end and leaving); playback resumes where the server says the learner
 * stopped; the next lesson comes from the course outline.
 */
import type { CatalogDetailData, LessonContent } from '../../shared/contract';
import type { call } from '../services/call';
import { CallError, messageOf } from '../services/call';
import { clockText, KIND_TEXT } from '../view/format';
import type { Block } from '../view/markdown';
import { articleBlocks } from '../view/markdown';
import { ProgressReporter } from '../flows/progress-reporter';
import type { LoadStatus } from '../core/store';
import { Store } from '../core/store';

/** An article block with its position in the article: the list's `wx:key`. */
export interface ArticleBlock extends Block {
  id: number;
}

/** The part of `wx.InnerAudioContext` the audio lesson uses. */
export interface AudioPlayer {
  src: string;
  startTime: number;
  readonly paused: boolean;
  readonly currentTime: number;
  play(): void;
  pause(): void;
  seek(position: number): void;
  destroy(): void;
  onTimeUpdate(listener: () => void): void;
  onPause(listener: () => void): void;
  onEnded(listener: () => void): void;
  onError(listener: (error: { errMsg: string }) => void): void;
}

export interface LessonDeps {
  call: typeof call;
  now(): number;
  createAudio(): AudioPlayer;
  /** @default 15000 */
  reportIntervalMs?: number;
}

export interface LessonState {
  status: LoadStatus;
  error: string;
  courseId: string;
  courseTitle: string;
  lessonId: string;
  title: string;
  kind: LessonContent['kind'] | '';
  kindText: string;
  mediaUrl: string;
  watermark: string;
  /** Where the player starts (seconds). */
  resumeSec: number;
  blocks: ArticleBlock[];
  durationText: string;
  positionText: string;
  playing: boolean;
  completed: boolean;
  nextLessonId: string;
  nextTitle: string;
  /** The next lesson exists but needs the course to be bought. */
  nextLocked: boolean;
}

export function initialLesson(): LessonState {
  return {
    status: 'loading',
    error: '',
    courseId: '',
    courseTitle: '',
    lessonId: '',
    title: '',
    kind: '',
    kindText: '',
    mediaUrl: '',
    watermark: '',
    resumeSec: 0,
    blocks: [],
    durationText: '',
    positionText: '00:00',
    playing: false,
    completed: false,
    nextLessonId: '',
    nextTitle: '',
    nextLocked: false,
  };
}

/** A resume point this close to the end starts the lesson again instead. */
const RESTART_NEAR_END_SEC = 5;

export class LessonStore extends Store<LessonState> {
  private lesson: LessonContent | undefined;
  private reporter: ProgressReporter | undefined;
  private audio: AudioPlayer | undefined;
  /** Articles: when reading (re)started, and the position it started from. */
  private readingSince = 0;
  private readingFrom = 0;

  constructor(
    courseId: string,
    lessonId: string,
    private readonly deps: LessonDeps,
  ) {
    super({ ...initialLesson(), courseId, lessonId });
  }

  async load(): Promise<void> {
    const { courseId, lessonId } = this.state;
    this.update({ status: 'loading', error: '' });
    let lesson: LessonContent;
    let detail: CatalogDetailData | undefined;
    try {
      [{ lesson }, detail] = await Promise.all([
        this.deps.call('learning', { action: 'lesson', courseId, lessonId }),
        this.deps.call('catalog', { action: 'detail', courseId }).catch(() => undefined),
      ]);
    } catch (error) {
      // Not enrolled: an empty state that leads to the course page rather than a retry that cannot succeed.
      const locked = error instanceof CallError && error.code === 'FORBIDDEN';
      this.update({ status: locked ? 'empty' : 'error', error: locked ? '购买课程后即可学习本节' : messageOf(error) });
      return;
    }
    this.show(lesson, detail);
  }

  private show(lesson: LessonContent, detail: CatalogDetailData | undefined): void {
    this.lesson = lesson;
    const saved = lesson.progress?.positionSec ?? 0;
    const resumeSec = saved < lesson.durationSec - RESTART_NEAR_END_SEC ? saved : 0;
    const lessons = detail?.course.lessons ?? [];
    const index = lessons.findIndex((l) => l.id === lesson.id);
    const next = index >= 0 ? lessons[index + 1] : undefined;
    this.reporter = new ProgressReporter({
      send: (sample) =>
        this.deps.call('learning', {
          action: 'progress',
          courseId: this.state.courseId,
          lessonId: lesson.id,
          positionSec: sample.positionSec,
          durationSec: lesson.durationSec,
          reportedAt: sample.reportedAt,
        }),
      now: this.deps.now,
      intervalMs: this.deps.reportIntervalMs,
    });
    this.update({
      status: 'ready',
      courseTitle: detail?.course.title ?? '',
      title: lesson.title,
      kind: lesson.kind,
      kindText: KIND_TEXT[lesson.kind],
      mediaUrl: lesson.mediaUrl ?? '',
      watermark: lesson.watermark,
      resumeSec,
      blocks:
        lesson.kind === 'article'
          ? articleBlocks(lesson.body ?? '', lesson.title).map((block, id) => ({ ...block, id }))
          : [],
      durationText: clockText(lesson.durationSec),
      positionText: clockText(resumeSec),
      completed: lesson.progress?.completed ?? false,
      nextLessonId: next?.id ?? '',
      nextTitle: next?.title ?? '',
      nextLocked: next ? !(detail?.enrolled || next.free) : false,
    });
    if (lesson.kind === 'audio') this.setUpAudio(lesson, resumeSec);
    if (lesson.kind === 'article') this.startReading(resumeSec);
  }

  /** Video and audio time updates. */
  onTime(positionSec: number): void {
    if (!this.lesson || !this.reporter) return;
    this.reporter.tick(positionSec, this.lesson.durationSec);
    const positionText = clockText(positionSec);
    if (positionText !== this.state.positionText) this.update({ positionText });
  }

  /** Paused, ended or left: report now. */
  flush(): Promise<void> {
    if (this.lesson?.kind === 'article') this.tickReading();
    return this.reporter?.flush() ?? Promise.resolve();
  }

  onEnded(): void {
    if (this.lesson) this.onTime(this.lesson.durationSec);
    this.update({ playing: false, completed: true });
    void this.flush();
  }

  /** The temp media URL expired or failed: ask for a fresh one and continue from the same place. */
  async refreshMedia(positionSec: number): Promise<void> {
    const { courseId, lessonId } = this.state;
    try {
      const { lesson } = await this.deps.call('learning', { action: 'lesson', courseId, lessonId });
      this.update({ mediaUrl: lesson.mediaUrl ?? '', resumeSec: positionSec });
      if (this.audio) {
        this.audio.src = lesson.mediaUrl ?? '';
        this.audio.startTime = positionSec;
      }
    } catch (error) {
      this.update({ status: 'error', error: messageOf(error) });
    }
  }

  toggleAudio(): void {
    if (!this.audio) return;
    if (this.audio.paused) this.audio.play();
    else this.audio.pause();
    this.update({ playing: !this.audio.paused });
  }

  /** Skips by `deltaSec` within the lesson. */
  seekAudio(deltaSec: number): void {
    if (!this.audio || !this.lesson) return;
    const target = Math.min(Math.max(0, this.audio.currentTime + deltaSec), this.lesson.durationSec);
    this.audio.seek(target);
    this.onTime(target);
  }

  /** Articles: the learner read to the end. */
  finishReading(): Promise<void> {
    if (!this.lesson || !this.reporter) return Promise.resolve();
    this.reporter.tick(this.lesson.durationSec, this.lesson.durationSec);
    this.readingFrom = this.lesson.durationSec;
    this.readingSince = this.deps.now();
    this.update({ completed: true });
    return this.reporter.flush();
  }

  /** Articles: reading time counts while the page is shown. */
  startReading(from = this.readingFrom): void {
    this.readingFrom = from;
    this.readingSince = this.deps.now();
  }

  private tickReading(): void {
    if (!this.lesson || !this.reporter) return;
    const elapsed = (this.deps.now() - this.readingSince) / 1000;
    const position = Math.min(this.lesson.durationSec, this.readingFrom + elapsed);
    this.reporter.tick(position, this.lesson.durationSec);
    this.startReading(position);
  }

  private setUpAudio(lesson: LessonContent, resumeSec: number): void {
    const audio = this.deps.createAudio();
    audio.src = lesson.mediaUrl ?? '';
    audio.startTime = resumeSec;
    audio.onTimeUpdate(() => this.onTime(audio.currentTime));
    audio.onPause(() => {
      this.update({ playing: false });
      void this.flush();
    });
    audio.onEnded(() => this.onEnded());
    audio.onError(() => void this.refreshMedia(audio.currentTime));
    this.audio = audio;
  }

  /** Leaving the page: the last report, and the audio stops. */
  async leave(): Promise<void> {
    this.audio?.pause();
    await this.flush();
    this.audio?.destroy();
    this.audio = undefined;
  }
}
